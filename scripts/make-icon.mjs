// Draws the application's icon, build/icon.png (512x512, what electron-builder needs for every
// platform's installer): the AT-TPC seen along the beam, its round pad plane with the beam spot
// at the centre and one curled track. Written with zlib alone so that it needs no image library;
// run it again (`node scripts/make-icon.mjs`) only when the drawing changes.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
const output = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');

const BACKGROUND = [22, 33, 62];
const PAD_PLANE = [38, 70, 110];
const RING = [86, 204, 242];
const BEAM = [255, 170, 60];
const TRACK = [240, 240, 240];

/** Coverage of a shape at a distance `d` from its edge (negative inside), smoothed over a pixel. */
const cover = (d) => Math.min(1, Math.max(0, 0.5 - d));

function colourAt(x, y) {
  const cx = x - SIZE / 2;
  const cy = y - SIZE / 2;
  const r = Math.hypot(cx, cy);
  // A rounded square, corners of radius 96.
  const q = Math.max(Math.abs(cx) - (SIZE / 2 - 96), 0) ** 2 + Math.max(Math.abs(cy) - (SIZE / 2 - 96), 0) ** 2;
  const square = cover(Math.sqrt(q) - 96);
  let colour = BACKGROUND;
  const layers = [
    [PAD_PLANE, cover(r - 200)],
    [RING, cover(Math.abs(r - 200) - 10)],
    // A track curling in the magnetic field: an arc of a circle through the beam spot.
    [TRACK, cover(Math.abs(Math.hypot(cx - 90, cy + 40) - Math.hypot(90, 40)) - 7) * (cx > 0 && cy < 80 ? 1 : 0)],
    [BEAM, cover(r - 30)],
  ];
  for (const [layerColour, alpha] of layers) colour = colour.map((c, i) => c + (layerColour[i] - c) * alpha);
  return [...colour.map(Math.round), Math.round(255 * square)];
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (none), then RGBA
  for (let x = 0; x < SIZE; x++) Buffer.from(colourAt(x + 0.5, y + 0.5)).copy(row, 1 + x * 4);
  rows.push(row);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.writeUInt8(8, 8); // bit depth
header.writeUInt8(6, 9); // RGBA
writeFileSync(
  output,
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
console.log(`Wrote ${output}`);
