import { vi } from 'vitest';

/** Runs a command with process.stdout.write captured; returns what it printed (tests only). */
export async function captureStdout(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    chunks.push(String(text));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return chunks.join('');
}
