/** The `status` table: one line per secret, then one note per secret that is not simply ok. */
import type { StatusRow } from './status.ts';

const STAGE_NAMES: Readonly<Record<string, string>> = {
  AWSCURRENT: 'CURRENT',
  AWSPREVIOUS: 'PREVIOUS',
  AWSPENDING: 'PENDING',
};

const COLUMNS = [
  'SECRET',
  'CLIENT',
  'VERSIONS',
  'LAST ROTATED',
  'NEXT ROTATION',
  'STYTCH CUR/NEXT',
  'OVERLAP UNTIL',
  'HEALTH',
] as const;

/** The table and its notes, as lines. */
export function renderStatusTable(rows: readonly StatusRow[], tag: string): string[] {
  if (rows.length === 0) return [`no secrets carry the tag ${tag}`];
  const cells = rows.map((row) => [
    row.name,
    row.clientId === null
      ? '?'
      : `${row.clientId} (${row.kind === 'm2m_client' ? 'M2M' : 'Connected App'})`,
    versionsCell(row),
    minute(row.lastRotated),
    minute(row.nextRotation),
    'error' in row.stytch
      ? row.stytch.error
      : `${row.stytch.current ?? '-'}/${row.stytch.next ?? '-'}`,
    row.overlapUntil === null ? '-' : minute(row.overlapUntil),
    row.health,
  ]);
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...cells.map((c) => c[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const notes = rows.flatMap((row) => notesOf(row));
  return [line(COLUMNS), ...cells.map(line), ...(notes.length > 0 ? ['', ...notes] : [])];
}

function versionsCell(row: StatusRow): string {
  return row.versions
    .map((v) => {
      // AWSPENDING left on the current version is a finished rotation's harmless leftover.
      const shown = v.stages.includes('AWSCURRENT')
        ? v.stages.filter((s) => s !== 'AWSPENDING')
        : v.stages;
      const stages = shown.map((s) => STAGE_NAMES[s] ?? s).join('+');
      const secret = v.lastFour ?? (v.hasValue ? 'no secret' : 'empty');
      return `${stages}:${secret}`;
    })
    .join(' ');
}

function notesOf(row: StatusRow): string[] {
  const notes: string[] = [];
  if (row.health !== 'ok') notes.push(`${row.name}: ${row.health}: ${row.detail}`);
  const pending = row.versions.find(
    (v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'),
  );
  const error = row.lastError;
  if (error !== null && pending !== undefined && error.token === pending.versionId) {
    notes.push(
      `${row.name}: the last attempt failed in ${error.step}: ${error.code}: ${error.message}`,
    );
  }
  return notes;
}

/** An ISO time to the minute, e.g. `2026-01-01 00:00Z`; `-` for none. */
function minute(iso: string | null): string {
  if (iso === null) return '-';
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso;
}
