// @vercel/og 0.11.1 on Node: satori draws the SVG, then sharp (an optional dependency it uses when
// present) or its resvg WebAssembly makes the PNG; ImageResponse is a fetch Response.
import { HEIGHT, WIDTH, satoriFonts } from "./card.mjs";

export async function setup(load, fonts) {
  const { ImageResponse } = await load("@vercel/og");
  const options = { width: WIDTH, height: HEIGHT, fonts: satoriFonts(fonts) };
  return async (element) => new Uint8Array(await new ImageResponse(element, options).arrayBuffer());
}
