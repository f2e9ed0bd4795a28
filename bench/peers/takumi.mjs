// Takumi (Rust, native Node binding): the element tree goes through @takumi-rs/helpers' fromJsx,
// as a JSX user's would, then Renderer.render makes the PNG.
import { FAMILY, HEIGHT, WIDTH } from "./card.mjs";

export async function setup(load, fonts) {
  const { Renderer } = await load("@takumi-rs/core");
  const { fromJsx } = await load("@takumi-rs/helpers/jsx");
  const renderer = new Renderer();
  await renderer.registerFont({ name: FAMILY, data: fonts.regular, weight: 400, style: "normal" });
  await renderer.registerFont({ name: FAMILY, data: fonts.bold, weight: 700, style: "normal" });
  return async (element) => {
    const { node, css } = await fromJsx(element);
    return renderer.render(node, { width: WIDTH, height: HEIGHT, format: "png", css });
  };
}
