// satori (element tree to SVG, text as paths) and resvg-js (native SVG rasterizer) used directly.
// System fonts are not loaded into resvg: satori's SVG has no text left for it to draw.
import { HEIGHT, WIDTH, satoriFonts } from "./card.mjs";

export async function setup(load, fonts) {
  const satori = (await load("satori")).default;
  const { Resvg } = await load("@resvg/resvg-js");
  const options = { width: WIDTH, height: HEIGHT, fonts: satoriFonts(fonts) };
  return async (element) => {
    const svg = await satori(element, options);
    return new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
  };
}
