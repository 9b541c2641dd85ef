// A small QR Code encoder: byte mode, error correction level M, versions 1–10
// (up to 213 bytes: plenty for an invite link). Written for Hearth from the QR spec.

// Per version (index = version): [EC codewords per block, [[blocks, data codewords each], ...]] at level M.
const LEVEL_M = [
  null,
  [10, [[1, 16]]],
  [16, [[1, 28]]],
  [26, [[1, 44]]],
  [18, [[2, 32]]],
  [24, [[2, 43]]],
  [16, [[4, 27]]],
  [18, [[4, 31]]],
  [
    22,
    [
      [2, 38],
      [2, 39],
    ],
  ],
  [
    22,
    [
      [3, 36],
      [2, 37],
    ],
  ],
  [
    26,
    [
      [4, 43],
      [1, 44],
    ],
  ],
];
const ALIGN = [
  null,
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];
const EC_BITS_M = 0b00;

// Arithmetic in GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x = (x << 1) ^ (x & 0x80 ? 0x11d : 0);
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const mul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

function generator(degree) {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      next[j + 1] ^= mul(poly[j], EXP[i]);
    }
    poly = next;
  }
  return poly;
}

/** Reed–Solomon: the remainder of data·x^n divided by the generator of degree n. */
export function ecCodewords(data, n) {
  const gen = generator(n);
  const rest = [...data, ...new Array(n).fill(0)];
  for (let i = 0; i < data.length; i++) {
    const factor = rest[i];
    if (!factor) continue;
    for (let j = 0; j < gen.length; j++) rest[i + j] ^= mul(gen[j], factor);
  }
  return rest.slice(data.length);
}

const dataCapacity = (v) => LEVEL_M[v][1].reduce((sum, [count, size]) => sum + count * size, 0);

function codewords(bytes, version) {
  const bits = [];
  const push = (value, length) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) push(b, 8);
  const capacity = dataCapacity(version) * 8;
  push(0, Math.min(4, capacity - bits.length));
  while (bits.length % 8) bits.push(0);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; data.length < capacity / 8; pad ^= 0xec ^ 0x11) data.push(pad);

  const [ecLength, groups] = LEVEL_M[version];
  const blocks = [];
  let offset = 0;
  for (const [count, size] of groups) {
    for (let i = 0; i < count; i++) {
      const block = data.slice(offset, offset + size);
      offset += size;
      blocks.push({ data: block, ec: ecCodewords(block, ecLength) });
    }
  }
  const out = [];
  const longest = Math.max(...blocks.map((b) => b.data.length));
  for (let i = 0; i < longest; i++) for (const b of blocks) if (i < b.data.length) out.push(b.data[i]);
  for (let i = 0; i < ecLength; i++) for (const b of blocks) out.push(b.ec[i]);
  return out;
}

/** BCH remainder for format (gen 0x537) and version (gen 0x1f25) information. */
function bch(value, poly, degree) {
  let rest = value << degree;
  const top = Math.floor(Math.log2(poly));
  for (let bit = Math.floor(Math.log2(rest || 1)); bit >= top; bit--) {
    if ((rest >>> bit) & 1) rest ^= poly << (bit - top);
  }
  return (value << degree) | rest;
}

const MASKS = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

function baseMatrix(version) {
  const size = version * 4 + 17;
  const dark = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (r, c, value) => {
    dark[r][c] = value;
    fixed[r][c] = true;
  };
  for (const [r0, c0] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ]) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        if (r0 + r < 0 || r0 + r >= size || c0 + c < 0 || c0 + c >= size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        set(r0 + r, c0 + c, ring !== 2 && ring !== 4);
      }
    }
  }
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  const centres = ALIGN[version];
  const last = centres.length - 1;
  centres.forEach((r, i) => {
    centres.forEach((c, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return; // finders
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    });
  });
  // Reserve the format areas (written per mask) and the always-dark module.
  for (let i = 0; i < 9; i++) {
    fixed[8][i] = fixed[i][8] = true;
  }
  for (let i = 0; i < 8; i++) {
    fixed[8][size - 1 - i] = fixed[size - 1 - i][8] = true;
  }
  set(size - 8, 8, true);
  if (version >= 7) {
    const info = bch(version, 0x1f25, 12);
    for (let i = 0; i < 18; i++) {
      const bit = ((info >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b, bit);
      set(b, a, bit);
    }
  }
  return { size, dark, fixed };
}

function placeData(matrix, words) {
  const { size, dark, fixed } = matrix;
  let bit = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing column is skipped
    const upward = ((size - 1 - right) >> 1) % 2 === 0;
    for (let step = 0; step < size; step++) {
      const r = upward ? size - 1 - step : step;
      for (const c of [right, right - 1]) {
        if (fixed[r][c]) continue;
        const i = bit >> 3;
        dark[r][c] = i < words.length && ((words[i] >>> (7 - (bit & 7))) & 1) === 1;
        bit++;
      }
    }
  }
}

function applyMask(matrix, mask) {
  const { size, fixed } = matrix;
  const dark = matrix.dark.map((row, r) => row.map((v, c) => (fixed[r][c] ? v : v !== MASKS[mask](r, c))));
  const format = bch((EC_BITS_M << 3) | mask, 0x537, 10) ^ 0x5412;
  const bitAt = (i) => ((format >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i++) dark[i][8] = bitAt(i);
  dark[7][8] = bitAt(6);
  dark[8][8] = bitAt(7);
  dark[8][7] = bitAt(8);
  for (let i = 9; i < 15; i++) dark[8][14 - i] = bitAt(i);
  for (let i = 0; i < 8; i++) dark[8][size - 1 - i] = bitAt(i);
  for (let i = 8; i < 15; i++) dark[size - 15 + i][8] = bitAt(i);
  return dark;
}

/** The spec's four penalty rules; the mask with the lowest score is used. */
function penalty(dark) {
  const size = dark.length;
  let score = 0;
  let darkCount = 0;
  const lines = [...dark, ...dark.map((_, c) => dark.map((row) => row[c]))];
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) {
        run++;
        continue;
      }
      if (run >= 5) score += run - 2;
      run = 1;
    }
    const text = line.map((v) => (v ? "1" : "0")).join("");
    for (const pattern of ["10111010000", "00001011101"]) {
      for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) score += 40;
    }
  }
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (dark[r][c]) darkCount++;
      if (r < size - 1 && c < size - 1) {
        const v = dark[r][c];
        if (dark[r][c + 1] === v && dark[r + 1][c] === v && dark[r + 1][c + 1] === v) score += 3;
      }
    }
  }
  score += Math.floor(Math.abs(darkCount * 20 - size * size * 10) / (size * size)) * 10;
  return score;
}

/** encode("https://…") → {version, size, mask, modules: boolean[][]} (true = dark). */
export function encode(text, { mask = null, minVersion = 1 } = {}) {
  const bytes = Array.from(new TextEncoder().encode(text));
  let version = minVersion;
  while (version <= 10 && 4 + (version < 10 ? 8 : 16) + bytes.length * 8 > dataCapacity(version) * 8) version++;
  if (version > 10) throw new RangeError("Text too long for this QR encoder (max 213 bytes).");
  const matrix = baseMatrix(version);
  placeData(matrix, codewords(bytes, version));
  const masks = mask === null ? [0, 1, 2, 3, 4, 5, 6, 7] : [mask];
  let best = null;
  for (const m of masks) {
    const modules = applyMask(matrix, m);
    const score = masks.length > 1 ? penalty(modules) : 0;
    if (!best || score < best.score) best = { version, size: matrix.size, mask: m, modules, score };
  }
  return best;
}

/** An SVG of the code with a 4-module quiet zone, always dark on light so it scans in dark mode. */
export function toSvg(qr, label) {
  const ns = "http://www.w3.org/2000/svg";
  const full = qr.size + 8;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${full} ${full}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const back = document.createElementNS(ns, "rect");
  for (const [k, v] of [
    ["width", full],
    ["height", full],
    ["fill", "#fff"],
  ])
    back.setAttribute(k, v);
  let d = "";
  qr.modules.forEach((row, r) => {
    row.forEach((on, c) => {
      if (on) d += `M${c + 4} ${r + 4}h1v1h-1z`;
    });
  });
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#1b1512");
  svg.append(back, path);
  return svg;
}
