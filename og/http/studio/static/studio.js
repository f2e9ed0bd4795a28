// og studio: plain JavaScript, no build step, no network beyond this og server.
// Every piece of text from a template or a value is set with textContent, never as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const DEBOUNCE_MS = 250;
const TRUTHY = ["1", "true", "yes", "on"];

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

const $ = (selector) => document.querySelector(selector);
const enc = encodeURIComponent;
// Where og is served (its pages say): "/", or "/og/" in a site that mounts og.
const ROOT = document.body.dataset.root || "/";
// A path the API gives below og's mount ("/card.png?…") as this page fetches it.
const mounted = (path) => ROOT + path.replace(/^\//, "");

function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

async function getJSON(url, signal) {
  const response = await fetch(url, {signal, cache: "no-store", headers: {Accept: "application/json"}});
  const body = await response.json().catch(() => ({message: `HTTP ${response.status}`}));
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

// A card as bytes: revalidated every time (the ETag changes when the template does), so a
// saved template shows at once and an unchanged one costs a 304.
async function getPng(url, signal) {
  const response = await fetch(url, {signal, cache: "no-cache", headers: {Accept: "image/png"}});
  const blob = await response.blob();
  return {blob, bytes: blob.size, ok: response.ok, status: response.status};
}

function setImage(img, blob) {
  const old = img.dataset.objectUrl;
  const url = URL.createObjectURL(blob);
  img.dataset.objectUrl = url;
  img.src = url;
  if (old) setTimeout(() => URL.revokeObjectURL(old), 1000);
}

async function templates() {
  return (await getJSON(`${ROOT}templates`)).templates;
}

// Live reload: the server sends every file stamp on connect, then each change. The browser
// reconnects by itself when a stream ends; when og refuses one (503: its worker holds as many
// streams as it may) or cannot be reached, the browser gives up, so the page tries again later.
const LIVE_RETRY_MS = 5000;

function live(onChange) {
  const dot = $("#live");
  let known = null;
  const connect = () => {
    const events = new EventSource(`${ROOT}studio/events`);
    events.addEventListener("open", () => dot.classList.add("on"));
    events.addEventListener("error", () => {
      dot.classList.remove("on");
      if (events.readyState === EventSource.CLOSED) setTimeout(connect, LIVE_RETRY_MS);
    });
    events.addEventListener("stamps", (event) => {
      const now = JSON.parse(event.data);
      const changed = known === null ? [] : Object.keys({...known, ...now}).filter((n) => known[n] !== now[n]);
      known = now;
      if (changed.length) onChange(changed);
    });
    events.addEventListener("change", (event) => {
      const data = JSON.parse(event.data);
      if (known) known[data.name] = data.stamp;
      onChange([data.name]);
    });
    events.addEventListener("removed", (event) => {
      const data = JSON.parse(event.data);
      if (known) delete known[data.name];
      onChange([data.name]);
    });
  };
  connect();
}

// The studio API's answer as one card per Inkscape page (a template of one page: that card).
const cardsOf = (urls) => (urls.pages.length ? urls.pages : [urls]);

// ---------------------------------------------------------------- the gallery

async function galleryPage() {
  const root = $("#gallery");
  let controller = null;

  // A template of several Inkscape pages shows each page's card, side by side at one height.
  async function tile(info, signal) {
    const pages = info.pages || [{name: "", width: info.width, height: info.height}];
    const imgs = pages.map((p) => h("img", {alt: `${info.name}${p.name ? ` (${p.name})` : ""} with its defaults`,
      width: p.width, height: p.height, title: `${p.name} ${p.width}×${p.height}`, "data-page": p.name,
      style: `flex: ${p.width / p.height} 1 0`}));
    const size = info.pages ? `${pages.length} pages` : `${info.width}×${info.height}`;
    const bytes = h("span", {class: "bytes"});
    root.append(h("a", {class: "tile", href: `${ROOT}studio/t/${enc(info.name)}`, "data-name": info.name},
      h("div", {class: info.pages ? "thumb pages" : "thumb"}, ...imgs),
      h("div", {class: "tile-info"}, h("strong", {text: info.name}),
        h("span", {text: `${size} · ${info.params.length} parameters`}), bytes)));
    const urls = await getJSON(`${ROOT}studio/api/card/${enc(info.name)}`, signal);
    const pngs = await Promise.all(cardsOf(urls).map((card) => getPng(mounted(card.png), signal)));
    pngs.forEach((png, i) => setImage(imgs[i], png.blob));
    bytes.textContent = formatBytes(pngs[0].bytes);
  }

  async function draw() {
    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    try {
      const list = await templates();
      root.replaceChildren();
      if (!list.length) root.append(h("p", {class: "hint", text: "No template loads: run og check on the folder."}));
      await Promise.all(list.map((info) => tile(info, signal)));
      document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
    } catch (error) {
      if (error.name !== "AbortError") root.append(h("p", {class: "error", text: error.message}));
    }
  }

  live(() => draw());
  await draw();
}

// ---------------------------------------------------------------- one template

function choicesOf(param) {
  const listed = param.choices || param.values || param.options || param.allowed || param.enum || [];
  return listed.map((item) => (typeof item === "object" ? item : {value: String(item), label: String(item)}));
}

// What a parameter's field holds before it is edited: the specimen's value.
const startValue = (param) => param.example ?? param.default;

// A form field for one parameter, by its type (no type: text). Calls onInput(value).
function field(param, value, onInput) {
  const type = param.type || "text";
  const limit = param.max_length;
  const counter = h("span", {class: "counter"});
  const count = (text) => { counter.textContent = limit ? `${text.length} / ${limit}` : ""; };
  const notes = [param.required ? "required" : param.default ? `default: ${param.default}` : "empty when left out"];
  let control;
  if (type === "choice" && choicesOf(param).length) {
    const choices = choicesOf(param);
    if (!choices.some((c) => c.value === value)) choices.unshift({value, label: value}); // the current value stays
    control = h("select", {name: param.name},
      ...choices.map((c) => h("option", {value: c.value, text: c.label ?? c.value, selected: c.value === value})));
    control.addEventListener("change", () => onInput(control.value));
  } else if (type === "flag") {
    const numeric = ["0", "1"].includes(String(param.default));
    control = h("input", {type: "checkbox", name: param.name, checked: TRUTHY.includes(String(value).toLowerCase())});
    control.addEventListener("change", () => onInput(control.checked ? (numeric ? "1" : "true") : (numeric ? "0" : "false")));
  } else if (type === "color" && param.palette) {
    control = palettePicker(param, value, onInput);
  } else if (type === "color") {
    control = colourPicker(param, value, onInput);
    notes.push("#rgb or #rrggbb");
  } else {
    const long = (limit || 0) > 100 || String(value).includes("\n");
    const attrs = {name: param.name, maxlength: limit || null, spellcheck: "false"};
    if (type === "image") Object.assign(attrs, {type: "url", placeholder: "image URL"});
    control = long ? h("textarea", {...attrs, rows: 3}) : h("input", {type: attrs.type || "text", ...attrs});
    control.value = value;
    control.addEventListener("input", () => { count(control.value); onInput(control.value); });
    count(value);
    if (!["text", "image"].includes(type)) notes.push(`type ${type}, edited as text`);
  }
  // a palette holds labels of its own, and labels do not nest
  return h(type === "color" && param.palette ? "div" : "label", {class: "field", "data-param": param.name},
    h("span", {class: "field-name"}, h("code", {text: param.name}), counter),
    control, h("span", {class: "field-note", text: notes.join(" · ")}));
}

// "#abc" or "abc" → "#aabbcc", as og reads a colour; anything else → null (og would refuse it).
function hexColour(text) {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (!match) return null;
  const digits = match[1].length === 3 ? [...match[1]].map((c) => c + c).join("") : match[1];
  return `#${digits.toLowerCase()}`;
}

// A colour of the designer's palette: one swatch per name; the name is what og is sent.
function palettePicker(param, value, onInput) {
  const group = h("span", {class: "palette", role: "radiogroup", "data-param": param.name});
  for (const [name, colour] of Object.entries(param.palette)) {
    const input = h("input", {type: "radio", name: param.name, value: name, checked: name === value});
    input.addEventListener("change", () => { if (input.checked) onInput(name); });
    const chip = h("span", {class: "chip"});
    chip.style.background = colour;
    group.append(h("label", {class: "swatch", title: colour}, input, chip, h("span", {text: name})));
  }
  return group;
}

// Any colour: the browser's picker (showing the current colour) and the same as text; only
// a colour og accepts is sent, as #rrggbb; other text is marked and kept back.
function colourPicker(param, value, onInput) {
  const text = h("input", {type: "text", name: param.name, value, maxlength: param.max_length || null,
    spellcheck: "false"});
  const picker = h("input", {type: "color", value: hexColour(value) || "#000000",
    "aria-label": `${param.name}: pick a colour`});
  picker.addEventListener("input", () => {
    text.value = picker.value;
    text.classList.remove("invalid");
    onInput(picker.value);
  });
  text.addEventListener("input", () => {
    const colour = hexColour(text.value);
    text.classList.toggle("invalid", colour === null);
    if (colour === null) return;
    picker.value = colour;
    onInput(colour);
  });
  return h("span", {class: "color"}, picker, text);
}

// The layout report drawn over the card, in the card's own coordinates.
function drawOverlay(overlay, report, showLayout, showCrops) {
  overlay.replaceChildren();
  overlay.setAttribute("viewBox", `0 0 ${report.width} ${report.height}`);
  overlay.classList.toggle("on", showLayout || showCrops);
  if (showLayout) {
    for (const text of report.texts) {
      const box = text.box;
      const right = Math.max(box.x, ...text.lines.map((l) => l.x + l.width));
      const bottom = Math.max(box.y, ...text.lines.map((l) => l.bottom));
      const top = Math.min(box.y, ...text.lines.map((l) => l.top));
      const width = box.width ?? right - box.x;
      const height = box.height ?? bottom - top;
      const y = box.height === null ? top : box.y;
      const kind = text.missing.length ? "missing" : text.truncated ? "cut" : text.shrunk ? "shrunk" : "";
      const group = svg("g", {class: `ov-text ${kind}`, "data-id": text.id});
      group.append(svg("rect", {class: "ov-box", x: box.x, y, width, height}));
      for (const line of text.lines) {
        group.append(svg("rect", {class: "ov-line", x: line.x, y: line.top, width: line.width,
          height: line.bottom - line.top}));
        group.append(svg("line", {class: "ov-baseline", x1: line.x, x2: line.x + line.width,
          y1: line.baseline, y2: line.baseline}));
      }
      const notes = [`#${text.id}`, `${text.font_size}px`];
      if (text.shrunk) notes.push(`shrunk from ${text.requested_font_size}px`);
      if (text.truncated) notes.push("cut");
      if (text.missing.length) notes.push(`no font for ${text.missing.slice(0, 6).join(" ")}`);
      const labelY = y > 26 ? y - 6 : y + height + 20;
      group.append(svg("text", {class: "ov-label", x: box.x, y: labelY}, notes.join(" · ")));
      overlay.append(group);
    }
  }
  if (showCrops) {
    const {width, height} = report;
    const crops = [["X 2:1", width, width / 2], ["WhatsApp 1:1", height, height]];
    for (const [label, w, hgt] of crops) {
      const x = (width - w) / 2, y = (height - hgt) / 2;
      overlay.append(svg("rect", {class: "ov-crop", x, y, width: w, height: hgt}));
      overlay.append(svg("text", {class: "ov-label crop", x: x + 8, y: y + hgt - 10}, label));
    }
  }
}

function textsTable(table, report) {
  table.replaceChildren(h("tr", {}, ...["text", "kind", "font size", "lines", "shrunk", "cut", "missing"]
    .map((name) => h("th", {text: name}))));
  for (const text of report.texts) {
    const size = text.shrunk ? `${text.font_size} (of ${text.requested_font_size})` : `${text.font_size}`;
    table.append(h("tr", {class: text.missing.length ? "missing" : text.truncated ? "cut" : ""},
      h("td", {}, h("code", {text: `#${text.id}`})), h("td", {text: text.kind}), h("td", {text: size}),
      h("td", {text: String(text.lines.length)}), h("td", {text: text.shrunk ? "yes" : ""}),
      h("td", {text: text.truncated ? "yes" : ""}), h("td", {text: text.missing.join(" ")})));
  }
}

function limitsTable(table, bytes, limits) {
  table.replaceChildren();
  for (const limit of limits) {
    const share = bytes / limit.bytes;
    const over = share > 1;
    table.append(h("tr", {class: over ? "over" : "", "data-platform": limit.platform},
      h("th", {text: limit.platform}), h("td", {text: limit.label}),
      h("td", {class: "bar"}, h("span", {style: `width:${Math.min(100, Math.max(0.5, share * 100)).toFixed(1)}%`})),
      h("td", {text: `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`}),
      h("td", {class: "verdict", text: over ? "too big: no image" : "ok"})));
  }
}

// Mock-ups: each platform's frame around the same image, cropped as it crops.
const PLATFORMS = [
  {id: "x", name: "X", note: "summary_large_image: cropped to 2:1, about 506×253", limit: "X",
    build: (t) => h("div", {class: "m-x"}, t.crop("2 / 1", h("span", {class: "m-x-domain"}, t.domain())),
      h("div", {class: "m-x-from"}, "From ", t.domain()))},
  {id: "facebook", name: "Facebook", note: "1.91:1, about 500×262", limit: "Facebook",
    build: (t) => h("div", {class: "m-fb"}, t.crop("1.91 / 1"),
      h("div", {class: "m-fb-text"}, h("div", {class: "m-fb-domain"}, t.domain()), t.title(), t.description()))},
  {id: "linkedin", name: "LinkedIn", note: "1.91:1, about 552×289", limit: "LinkedIn",
    build: (t) => h("div", {class: "m-li"}, t.crop("1.91 / 1"),
      h("div", {class: "m-li-text"}, t.title(), h("div", {class: "m-li-domain"}, t.domain())))},
  {id: "slack", name: "Slack", note: "whole image, at most 360 wide", limit: null,
    build: (t) => h("div", {class: "m-slack"}, h("div", {class: "m-slack-bar"}),
      h("div", {class: "m-slack-body"}, h("div", {class: "m-slack-site"}, t.domain()), t.title(), t.description(),
        t.natural()))},
  {id: "discord", name: "Discord", note: "whole image, at most 400 wide", limit: null,
    build: (t) => h("div", {class: "m-discord"}, h("div", {class: "m-discord-embed"},
      h("div", {class: "m-discord-site"}, t.domain()), t.title(), t.description(), t.natural()))},
  {id: "whatsapp", name: "WhatsApp", note: "square thumbnail, centre crop; over ≈ 300 KB: no image", limit: "WhatsApp",
    build: (t) => h("div", {class: "m-wa"}, h("div", {class: "m-wa-preview"}, t.crop("1 / 1"),
      h("div", {class: "m-wa-text"}, t.title(), t.description(), h("div", {class: "m-wa-domain"}, t.domain()))),
      h("div", {class: "m-wa-link"}, "https://", t.domain(), "/…"))},
  {id: "imessage", name: "iMessage", note: "whole image on top, about 300 wide", limit: null,
    build: (t) => h("div", {class: "m-im"}, t.natural(),
      h("div", {class: "m-im-text"}, t.title(), h("div", {class: "m-im-domain"}, t.domain())))},
  {id: "mastodon", name: "Mastodon", note: "1.91:1 above the text; every instance fetches its own copy",
    limit: "Mastodon",
    build: (t) => h("div", {class: "m-md"}, t.crop("1.91 / 1"),
      h("div", {class: "m-md-text"}, h("div", {class: "m-md-domain"}, t.domain()), t.title(), t.description()))},
];

function buildMockups(root) {
  const parts = {
    crop: (ratio, ...extra) => h("div", {class: "crop", style: `aspect-ratio:${ratio}`},
      h("img", {class: "mock-img", alt: ""}), ...extra),
    natural: () => h("img", {class: "mock-img natural", alt: ""}),
    title: () => h("div", {class: "m-title"}),
    description: () => h("div", {class: "m-description"}),
    domain: () => h("span", {class: "m-domain"}),
  };
  root.replaceChildren(...PLATFORMS.map((p) => h("figure", {class: `mock mock-${p.id}`, "data-platform": p.id},
    h("figcaption", {}, h("strong", {text: p.name}), h("span", {text: p.note}), h("span", {class: "m-limit"})),
    p.build(parts))));
}

// One figure per card in the preview: the first (#preview, #overlay) is in the page's HTML,
// the other pages' are made here. Each grows as its card's width over its height, so every
// page shows at one height, side by side.
function pageStages(root, cards) {
  const figures = [...root.children];
  while (figures.length > Math.max(1, cards.length)) figures.pop().remove();
  while (figures.length < cards.length) {
    const figure = h("figure", {class: "page-card"}, h("div", {class: "stage"}, h("img", {alt: ""}),
      svg("svg", {class: "overlay", "aria-hidden": "true"})), h("figcaption", {class: "page-caption"}));
    root.append(figure);
    figures.push(figure);
  }
  return cards.map((card, i) => {
    const figure = figures[i];
    figure.dataset.page = card.page;
    figure.style.flex = `${card.width / card.height} 1 0`;
    return {img: figure.querySelector("img"), overlay: figure.querySelector("svg"),
      caption: figure.querySelector("figcaption")};
  });
}

// The meta tags panel: a template of several pages can publish them all (as og_meta(page="a,b")
// writes them) or one; the choice stays while values change.
function showMeta(select, urls) {
  const pages = urls.pages.map((card) => card.page);
  const kept = select.value;
  select.hidden = !pages.length;
  if (JSON.stringify([...select.options].map((o) => o.value)) !== JSON.stringify(["", ...pages])) {
    select.replaceChildren(h("option", {value: "", text: "all pages"}),
      ...pages.map((page) => h("option", {value: page, text: `page ${page}`})));
    select.value = pages.includes(kept) ? kept : "";
  }
  const chosen = urls.pages.find((card) => card.page === select.value);
  $("#meta").textContent = !pages.length ? urls.meta : chosen ? chosen.meta : urls.pages_meta;
}

function updateMockups(root, url, bytes, limits, page) {
  for (const img of root.querySelectorAll(".mock-img")) img.src = url;
  for (const node of root.querySelectorAll(".m-title")) node.textContent = page.title;
  for (const node of root.querySelectorAll(".m-description")) node.textContent = page.description;
  for (const node of root.querySelectorAll(".m-domain")) node.textContent = page.domain;
  for (const platform of PLATFORMS) {
    const figure = root.querySelector(`[data-platform="${platform.id}"]`);
    const limit = limits.find((l) => l.platform === platform.limit);
    const over = limit ? bytes > limit.bytes : false;
    figure.classList.toggle("over", over);
    figure.querySelector(".m-limit").textContent = limit
      ? `${formatBytes(bytes)} of ${limit.label}${over ? ": too big, shown without an image" : ""}`
      : `${formatBytes(bytes)} (no published limit)`;
  }
}

async function cardPage(name) {
  const form = $("#values");
  const preview = $("#preview");
  const status = $("#status");
  const mockups = $("#mockups");
  const pageFields = {title: $("#page-title"), description: $("#page-description"), domain: $("#page-domain")};
  let info = null;
  let values = {};
  const edited = new Set();
  const pageEdited = new Set();
  let controller = null;
  let timer = 0;
  let last = null; // {report, urls, bytes}

  const setStatus = (state, text) => { status.dataset.state = state; status.textContent = text; };

  function buildForm() {
    const old = values;
    values = {};
    form.replaceChildren();
    for (const param of info.params) {
      // the form starts as the specimen shows the template: each example, else each default
      values[param.name] = edited.has(param.name) && param.name in old ? old[param.name] : startValue(param);
      form.append(field(param, values[param.name], (value) => {
        values[param.name] = value;
        edited.add(param.name);
        schedule();
      }));
    }
    if (!info.params.length) form.append(h("p", {class: "hint", text: "This template has no placeholders."}));
  }

  async function loadInfo() {
    const found = (await templates()).find((item) => item.name === name);
    if (!found) throw new Error(`${name} does not load now: see og check below`);
    const same = info && JSON.stringify(info.params) === JSON.stringify(found.params);
    info = found;
    if (!same) buildForm();
    $("#size").textContent = info.pages // pages may change while the values stay
      ? info.pages.map((p) => `${p.name} ${p.width}×${p.height}`).join(" · ") : `${info.width}×${info.height}`;
  }

  function page() {
    const guess = {
      title: values.title ?? values.name ?? values.quote ?? Object.values(values)[0] ?? name,
      description: values.subtitle ?? values.description ?? values.role ?? values.source ?? "",
      domain: location.host,
    };
    for (const [key, input] of Object.entries(pageFields)) if (!pageEdited.has(key)) input.value = guess[key];
    return {title: pageFields.title.value, description: pageFields.description.value,
      domain: pageFields.domain.value};
  }

  function showOverlay() {
    for (const drawn of last ? last.pages : []) {
      drawOverlay(drawn.overlay, drawn.report, $("#overlay-toggle").checked, $("#crops-toggle").checked);
    }
    $("#legend").classList.toggle("on", $("#overlay-toggle").checked);
    $("#texts").classList.toggle("on", $("#overlay-toggle").checked);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  async function refresh() {
    if (controller) controller.abort(); // a newer value wins: the older answers are dropped
    controller = new AbortController();
    const signal = controller.signal;
    const started = performance.now();
    setStatus("rendering", "rendering…");
    try {
      // Untouched, the card is the specimen (no values). Once anything is edited it is a real
      // card, which shows only the values it is given: the form's, examples included.
      const query = new URLSearchParams(edited.size ? Object.entries(values).filter(
        ([key, value]) => value !== info.params.find((p) => p.name === key).default) : []);
      const urls = await getJSON(`${ROOT}studio/api/card/${enc(name)}?${query}`, signal);
      const cards = cardsOf(urls); // every page with the same values
      const drawn = await Promise.all(cards.map(async (card) => {
        const [png, report] = await Promise.all([getPng(mounted(card.png), signal),
                                              getJSON(mounted(card.json), signal)]);
        return {card, png, report};
      }));
      if (signal.aborted) return;
      const stages = pageStages($("#stages"), cards);
      drawn.forEach(({card, png}, i) => {
        setImage(stages[i].img, png.blob);
        stages[i].img.alt = card.alt;
        stages[i].caption.textContent = urls.pages.length
          ? `${card.page} · ${card.width}×${card.height} · ${formatBytes(png.bytes)}` : "";
      });
      const {png, report} = drawn[0];
      $("#open-png").href = mounted(urls.png);
      last = {report, urls, bytes: png.bytes, pages: drawn.map((d, i) => ({...d, overlay: stages[i].overlay}))};
      showOverlay();
      textsTable($("#texts"), {texts: drawn.flatMap((d) => d.report.texts)});
      showMeta($("#meta-page"), urls);
      $("#signed").textContent = urls.signed
        ? "Signed with the first key of OG_SECRET: the URL works only with exactly these values."
        : "Not signed: OG_SECRET is not set here. Where it is, og refuses unsigned URLs.";
      limitsTable($("#limits"), png.bytes, urls.limits);
      updateMockups(mockups, preview.src, png.bytes, urls.limits, page());
      document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
      const took = Math.round(performance.now() - started);
      const failed = drawn.find((d) => !d.png.ok);
      const sizes = drawn.map((d) => formatBytes(d.png.bytes)).join(" + ");
      setStatus(failed ? "error" : "ready", `${failed ? `HTTP ${failed.png.status} · ` : ""}${sizes} · ${took} ms`);
    } catch (error) {
      if (error.name !== "AbortError") setStatus("error", error.message);
    }
  }

  async function check() {
    const list = $("#findings");
    try {
      const result = await getJSON(`${ROOT}studio/api/check/${enc(name)}`);
      const counts = {error: 0, warning: 0, info: 0};
      list.replaceChildren(...result.findings.map((f) => {
        counts[f.level] += 1;
        const where = [f.line ? `line ${f.line}` : "", f.element_id ? `#${f.element_id}` : ""].filter(Boolean);
        return h("li", {class: `finding ${f.level}`}, h("span", {class: "level", text: f.level}),
          h("span", {text: f.message}), where.length ? h("span", {class: "where", text: where.join(", ")}) : null);
      }));
      $("#check-summary").textContent = `${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes`;
    } catch (error) {
      list.replaceChildren(h("li", {class: "finding error", text: error.message}));
    }
  }

  async function reload() {
    try {
      await loadInfo();
      await refresh();
    } catch (error) {
      setStatus("error", error.message);
    }
    await check();
  }

  buildMockups(mockups);
  for (const [key, input] of Object.entries(pageFields)) {
    input.addEventListener("input", () => {
      pageEdited.add(key);
      if (last) updateMockups(mockups, preview.src, last.bytes, last.urls.limits, page());
    });
  }
  $("#meta-page").addEventListener("change", () => { if (last) showMeta($("#meta-page"), last.urls); });
  $("#overlay-toggle").addEventListener("change", showOverlay);
  $("#crops-toggle").addEventListener("change", showOverlay);
  $("#copy-meta").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("#meta").textContent);
      $("#copy-meta").textContent = "Copied";
    } catch {
      getSelection().selectAllChildren($("#meta")); // no clipboard (plain http): select it instead
    }
  });
  live((names) => { if (names.includes(name)) reload(); });
  await reload();
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "index") galleryPage();
  else if (page === "card") cardPage(document.body.dataset.template);
});
