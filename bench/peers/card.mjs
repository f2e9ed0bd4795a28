// The card every peer draws, as a React-like element tree (no React needed): the same card as
// bench/peer_card.svg, which og draws. Satori, @vercel/og and Takumi's fromJsx all take this shape.
// boxSizing is spelled out: satori 0.63 follows CSS (content-box, so the padding would widen the
// card to 1360 px and the title would wrap at 1200), the others default to border-box.
export const WIDTH = 1200;
export const HEIGHT = 630;
export const FAMILY = "DejaVu Sans";

export function card(title, subtitle) {
  return {
    type: "div",
    props: {
      style: {
        display: "flex",
        flexDirection: "column",
        boxSizing: "border-box",
        width: WIDTH,
        height: HEIGHT,
        padding: 80,
        backgroundImage: "linear-gradient(135deg, #0f172a, #4338ca)",
        fontFamily: FAMILY,
      },
      children: [
        {
          type: "div",
          props: {
            style: { display: "flex", fontSize: 64, fontWeight: 700, lineHeight: 1.2, color: "#ffffff" },
            children: title,
          },
        },
        {
          type: "div",
          props: {
            style: { display: "flex", marginTop: 40, fontSize: 32, fontWeight: 400, lineHeight: 1.2, color: "#cbd5e1" },
            children: subtitle,
          },
        },
      ],
    },
  };
}

// The two faces, as satori and @vercel/og take them.
export function satoriFonts(fonts) {
  return [
    { name: FAMILY, data: fonts.regular, weight: 400, style: "normal" },
    { name: FAMILY, data: fonts.bold, weight: 700, style: "normal" },
  ];
}
