// A throwaway PostgreSQL cluster for tests, the fleet benchmark and the fleet demo: initdb in a temp
// directory, a server on a loopback port and a unix socket, torn down with its files. PostgreSQL refuses to
// run as root, so as root the cluster belongs to the `postgres` user Debian's package creates.
//
// Sensors in lab namespaces reach it through the unix socket (a path, so it crosses network namespaces);
// the TCP port is for clients in the host namespace.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  /** postgres://…@127.0.0.1:PORT/DB over TCP. */
  readonly url: (database: string) => string;
  /** postgres:///DB?host=SOCKETDIR: a unix socket, usable from any network namespace. */
  readonly socketUrl: (database: string) => string;
  readonly port: number;
  readonly socketDir: string;
  readonly user: string;
  /** Creates an empty database (owned by the cluster's superuser) and returns its name. */
  createDatabase(name: string): string;
  stop(): void;
}

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory, or $CAMAUDIT_PG_BIN. */
export function findPgBin(): string {
  const forced = process.env.CAMAUDIT_PG_BIN;
  if (forced) return forced;
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server found under ${PG_ROOT} (apt-get install postgresql)`);
  return join(PG_ROOT, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

interface RunAs {
  readonly user: string;
  readonly uid: number | null;
  readonly gid: number | null;
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { user: process.env.USER ?? 'postgres', uid: null, gid: null };
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { user: 'postgres', uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root needs the `postgres` user (apt-get install postgresql creates it)');
  }
}

function run(as: RunAs, bin: string, args: readonly string[], netns?: string): void {
  const argv = [...(as.uid === null ? [] : ['runuser', '-u', as.user, '--']), bin, ...args];
  const full = netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
  const res = spawnSync(full[0]!, full.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${bin.split('/').pop()} failed (${res.status ?? res.signal}): ${(res.stderr || res.stdout || String(res.error)).trim().slice(-2000)}`);
}

/**
 * An initdb'd data directory, made once per server version and user and copied for each cluster: initdb
 * takes seconds, a copy a fraction of one. Built aside and renamed into place, so parallel callers are safe.
 */
function template(bin: string, as: RunAs): string {
  const dir = join(tmpdir(), `camaudit-pg-template-${bin.replace(/[^a-z0-9]+/gi, '_')}-${as.user}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const build = mkdtempSync(join(tmpdir(), 'camaudit-pg-initdb-'));
  try {
    if (as.uid !== null && as.gid !== null) chownSync(build, as.uid, as.gid);
    run(as, join(bin, 'initdb'), ['-D', join(build, 'data'), '-U', as.user, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    try {
      renameSync(join(build, 'data'), dir);
    } catch (err) {
      if (!existsSync(join(dir, 'PG_VERSION'))) throw err; // else another caller won the race
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return dir;
}

export interface StartPgOptions {
  /** Run the server inside this network namespace (its own loopback); default the caller's. */
  readonly netns?: string;
  /** Server settings, e.g. { max_connections: '200' }. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** Starts a fresh cluster; throws with the server's own message when it cannot. */
export async function startPgCluster(opts: StartPgOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  const as = runAs();
  const root = mkdtempSync(join(tmpdir(), 'camaudit-pg-'));
  const data = join(root, 'data');
  const socketDir = join(root, 'sock');
  if (as.uid !== null && as.gid !== null) {
    chownSync(root, as.uid, as.gid);
    chmodSync(root, 0o755); // the socket directory must be reachable by other users' clients
  }
  const port = await freePort();
  let started = false;
  const stop = (): void => {
    if (started) {
      started = false;
      try {
        run(as, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], opts.netns);
      } catch {
        /* already gone: removing its files is all that is left */
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    run(as, '/bin/cp', ['-a', template(bin, as), data]); // as the owner: the server insists on owning its files
    run(as, '/bin/mkdir', ['-m', '0777', socketDir]);
    const settings = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: socketDir,
      fsync: 'off', // a throwaway cluster: durability is not what the tests measure
      max_connections: '200',
      ...opts.settings,
    };
    const o = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    run(as, join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'server.log'), '-o', o, '-w', '-t', '60', 'start'], opts.netns);
    started = true;
  } catch (err) {
    stop();
    throw err;
  }
  const psql = (sql: string): void => run(as, join(bin, 'psql'), ['-h', socketDir, '-p', String(port), '-U', as.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
  return {
    url: (db) => `postgres://${as.user}@127.0.0.1:${port}/${db}`,
    socketUrl: (db) => `postgres://${as.user}@/${db}?host=${encodeURIComponent(socketDir)}&port=${port}`,
    port,
    socketDir,
    user: as.user,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      psql(`CREATE DATABASE ${name}`);
      return name;
    },
    stop,
  };
}
