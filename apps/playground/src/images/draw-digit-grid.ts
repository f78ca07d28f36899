export interface DigitGridLayout {
  readonly columns: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Draws images (values in [0, 1], `count` images of height x width, one channel) into a canvas one pixel per pixel,
 * `columns` per row with a 1-pixel gap; CSS scales it up with `image-rendering: pixelated`.
 */
export function drawDigitGrid(canvas: HTMLCanvasElement, values: Float32Array, count: number, layout: DigitGridLayout): void {
  const { columns, height, width } = layout;
  const rows = Math.ceil(count / columns);
  canvas.width = columns * (width + 1) - 1;
  canvas.height = rows * (height + 1) - 1;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this browser cannot draw on a 2D canvas');
  const image = context.createImageData(canvas.width, canvas.height);
  // The gaps stay a mid grey so the digits' black backgrounds are told apart.
  image.data.fill(72);
  for (let index = 0; index < count; index += 1) {
    const left = (index % columns) * (width + 1);
    const top = Math.floor(index / columns) * (height + 1);
    for (let row = 0; row < height; row += 1) {
      for (let column = 0; column < width; column += 1) {
        const value = values[index * height * width + row * width + column] as number;
        const grey = Math.round(255 * Math.min(1, Math.max(0, value)));
        const offset = 4 * ((top + row) * canvas.width + left + column);
        image.data[offset] = grey;
        image.data[offset + 1] = grey;
        image.data[offset + 2] = grey;
      }
    }
  }
  for (let offset = 3; offset < image.data.length; offset += 4) image.data[offset] = 255;
  context.putImageData(image, 0, 0);
}

/** Interleaves originals and reconstructions row by row: a row of originals, the row of their reconstructions, ... */
export function interleaveRows(originals: Float32Array, reconstructions: Float32Array, count: number, columns: number, imageSize: number): Float32Array {
  const rows = Math.ceil(count / columns);
  const out = new Float32Array(rows * 2 * columns * imageSize);
  for (let row = 0; row < rows; row += 1) {
    const from = row * columns * imageSize;
    const to = Math.min(count, (row + 1) * columns) * imageSize;
    out.set(originals.subarray(from, to), 2 * row * columns * imageSize);
    out.set(reconstructions.subarray(from, to), (2 * row + 1) * columns * imageSize);
  }
  return out;
}
