// Reads the Python dict literals ({'85': 0.51, "it's": 1e-05}) in which the published EM results store the judge's
// token -> probability maps. A tiny grammar, parsed exactly, keeping the order of the keys.
export function parsePythonDict(text: string): [string, number][] {
  let i = 0;
  const out: [string, number][] = [];
  const ws = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) throw new Error(`expected "${c}" at ${i} in ${text.slice(0, 60)}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') throw new Error(`expected a string at ${i}`);
    i++;
    let s = "";
    while (text[i] !== q) {
      if (i >= text.length) throw new Error("unterminated string");
      if (text[i] === "\\") {
        const e = text[i + 1]!;
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
        if (e in simple) {
          s += simple[e];
          i += 2;
        } else if (e === "x") {
          s += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (e === "u") {
          s += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (e === "U") {
          s += String.fromCodePoint(parseInt(text.slice(i + 2, i + 10), 16));
          i += 10;
        } else throw new Error(`unknown escape \\${e}`);
      } else s += text[i++];
    }
    i++;
    return s;
  };
  const num = (): number => {
    ws();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
    if (!m) throw new Error(`expected a number at ${i}`);
    i += m[0].length;
    return Number(m[0]);
  };
  expect("{");
  ws();
  if (text[i] === "}") return out;
  for (;;) {
    const k = str();
    expect(":");
    out.push([k, num()]);
    ws();
    if (text[i] === ",") {
      i++;
      continue;
    }
    expect("}");
    return out;
  }
}
