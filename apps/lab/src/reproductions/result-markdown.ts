import type { ReproductionResult, ResultCell } from './reproduction.js';

const cellText = (cell: ResultCell | undefined) => (cell === null || cell === undefined ? '–' : String(cell));

/** A result as the Markdown EXPERIMENTS.md quotes: the table, then the paper's claim and ours. */
export function resultMarkdown(result: ReproductionResult): string {
  const columns = [...new Set(result.table.flatMap((row) => Object.keys(row)))];
  const lines =
    columns.length === 0
      ? []
      : [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...result.table.map((row) => `| ${columns.map((column) => cellText(row[column])).join(' | ')} |`)];
  const verdict = result.claim.holds === null ? 'not judged' : result.claim.holds ? 'holds' : 'does not hold';
  return [...lines, '', `- Paper: ${result.claim.paper}`, `- Ours (${verdict}): ${result.claim.ours}`, `- Figures: ${result.figures.join(', ')}`, ''].join('\n');
}
