import { DatasetError } from '../dataset-error.js';

/** CelebA's list_eval_partition.txt: one "<image> <partition>" line per image; 0 train, 1 validation, 2 test. */
export interface CelebaPartitionList {
  readonly images: readonly string[];
  readonly partitions: Uint8Array;
}

export function parsePartitionList(text: string, path: string): CelebaPartitionList {
  const images: string[] = [];
  const partitions: number[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    const fields = line.trim().split(/\s+/).filter((field) => field.length > 0);
    if (fields.length === 0) return;
    const [image, partition] = fields as [string, string | undefined];
    if (fields.length !== 2 || !/^[012]$/.test(partition ?? '')) {
      throw new DatasetError('invalid-content', path, `line ${lineIndex + 1}: expected "<image file> <0|1|2>", got "${line.trim().slice(0, 80)}"`);
    }
    images.push(image);
    partitions.push(Number(partition));
  });
  if (images.length === 0) throw new DatasetError('invalid-content', path, 'lists no image; expected lines "<image file> <0|1|2>"');
  return { images, partitions: Uint8Array.from(partitions) };
}

/**
 * CelebA's list_attr_celeba.txt: the image count, a line of the 40 attribute names, then "<image> v1 .. v40"
 * with values -1 or 1.
 */
export interface CelebaAttributeList {
  readonly attributeNames: readonly string[];
  /** Values (-1 or 1) per image, in attribute order. */
  readonly values: ReadonlyMap<string, Int8Array>;
}

export function parseAttributeList(text: string, path: string): CelebaAttributeList {
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const declared = Number((lines[0] ?? '').trim());
  if (lines.length < 2 || !Number.isInteger(declared) || declared < 0) {
    throw new DatasetError('invalid-content', path, 'expected an image count on line 1 and the attribute names on line 2');
  }
  const attributeNames = (lines[1] as string).trim().split(/\s+/);
  const values = new Map<string, Int8Array>();
  for (let lineIndex = 2; lineIndex < lines.length; lineIndex += 1) {
    const fields = (lines[lineIndex] as string).trim().split(/\s+/);
    const row = fields.slice(1).map(Number);
    if (row.length !== attributeNames.length || row.some((value) => value !== 1 && value !== -1)) {
      throw new DatasetError(
        'invalid-content',
        path,
        `line ${lineIndex + 1} (${fields[0]}): expected ${attributeNames.length} values of -1 or 1, got ${row.length} value(s)`,
      );
    }
    values.set(fields[0] as string, Int8Array.from(row));
  }
  if (values.size !== declared) {
    throw new DatasetError('count-mismatch', path, `line 1 declares ${declared} images but the file lists ${values.size}; the file is truncated or corrupt`);
  }
  return { attributeNames, values };
}
