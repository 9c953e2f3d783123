/** The part of dynalite's API the local cloud uses (the package ships no types). */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long a new table stays CREATING, in ms. @default 500 */
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    /** A LevelDB directory; in memory when omitted. */
    readonly path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
