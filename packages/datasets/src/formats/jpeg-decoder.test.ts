import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../dataset-error.js';
import { celebaJpeg } from '../testing/format-writers.js';
import { createJpegFileDecoder } from './jpeg-decoder.js';

const root = mkdtempSync(join(tmpdir(), 'tame-jpeg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bytes = celebaJpeg(3, 40, 30);
const path = join(root, 'face.jpg');
writeFileSync(path, bytes);

describe('JPEG file decoder', () => {
  for (const workers of [0, 2]) {
    it(`decodes to the RGBA bytes jpeg-js gives, ${workers === 0 ? 'on the main thread' : 'on worker threads'}`, async () => {
      const decoder = createJpegFileDecoder({ workers });
      const reference = jpeg.decode(bytes, { useTArray: true });
      const images = await Promise.all([decoder.decode(path), decoder.decode(path), decoder.decode(path)]);
      for (const image of images) {
        expect([image.width, image.height]).toEqual([40, 30]);
        expect(Buffer.from(image.data).equals(Buffer.from(reference.data))).toBe(true);
      }
      const missing = decoder.decode(join(root, 'gone.jpg'));
      await expect(missing).rejects.toThrow(`${join(root, 'gone.jpg')}: image file not found`);
      await expect(missing).rejects.toBeInstanceOf(DatasetError);
      writeFileSync(join(root, 'text.jpg'), 'not a jpeg at all');
      await expect(decoder.decode(join(root, 'text.jpg'))).rejects.toThrow(`${join(root, 'text.jpg')}: not a decodable JPEG (SOI not found)`);
      decoder.dispose();
    });
  }

  it('rejects what is still pending when disposed', async () => {
    const decoder = createJpegFileDecoder({ workers: 1 });
    const pending = decoder.decode(path);
    decoder.dispose();
    await expect(pending).rejects.toThrow(/disposed while this image was being decoded/);
  });
});
