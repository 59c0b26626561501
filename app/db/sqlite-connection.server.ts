import { fileURLToPath } from "node:url";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { LibsqlError, type Client, type InArgs, type InStatement, type InValue, type ResultSet, type Row, type Transaction, type TransactionMode } from "@libsql/client";
import Database from "libsql";

/**
 * Tenon's SQLite connection for Prisma's libSQL driver adapter (docs/decisions/017).
 *
 * `@libsql/client` hands its connection to every transaction and opens a new one, lazily, for
 * whatever comes next: every `$transaction` costs a fresh connection that re-reads the schema,
 * prepares each statement from scratch, and loses the connection's settings (`busy_timeout`,
 * so a second process writing to the same file failed at once instead of waiting).
 *
 * This client keeps **one connection** for the life of the Prisma client, with its settings
 * applied once when it opens, a cache of prepared statements, and write transactions that take
 * the write lock when they begin. Running transactions on that same connection is safe because
 * the adapter holds its lock from BEGIN to COMMIT/ROLLBACK: no other statement of this Prisma
 * client runs in between.
 *
 * Other processes (web + `npm run worker`) have their own connection. When one of them holds the
 * write lock, a statement here waits *without blocking the event loop*: SQLite's busy_timeout
 * sleeps inside the native call (up to 100 ms at a time, the whole process frozen); here a busy
 * statement is retried after a short timer, for up to LOCK_WAIT_MS.
 */

/** Settings every connection gets when it opens. WAL lets readers run beside a writer. */
const CONNECTION_PRAGMAS = ["journal_mode = WAL", "busy_timeout = 0", "foreign_keys = ON"];
/** How long a statement waits for another process's write lock before it fails with SQLITE_BUSY. */
export const LOCK_WAIT_MS = 5000;
/** Retries of a busy statement start this soon and back off to at most LOCK_RETRY_MAX_MS. */
const LOCK_RETRY_MIN_MS = 1;
const LOCK_RETRY_MAX_MS = 2;
/** Prepared statements kept per connection; Prisma's statements repeat, only IN-list lengths vary. */
const STATEMENT_CACHE_SIZE = 500;

type Statement = Database.Statement;

interface Prepared {
  statement: Statement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
}

/** The file a `file:` URL names: `file:relative/path.db`, `file:/abs/path.db` or `file:///abs/path.db`. */
export function sqlitePath(url: string): string {
  if (!/^file:/i.test(url)) throw new Error(`A SQLite URL starts with file: (file:path/to.db); got "${url}".`);
  if (url.startsWith("file://")) return fileURLToPath(url);
  return url.slice("file:".length).split("?")[0]!;
}

export class SqliteConnection implements Client {
  readonly protocol = "file";
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Prepared>();
  closed = false;

  constructor(path: string) {
    this.#db = new Database(path);
    for (const pragma of CONNECTION_PRAGMAS) this.#pragma(pragma);
  }

  async execute(stmt: InStatement, args?: InValue[]): Promise<ResultSet> {
    this.#checkOpen();
    return this.#waitingForLock(() => this.#run(typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt));
  }

  async batch(stmts: InStatement[], mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    const tx = await this.transaction(mode);
    try {
      const results: ResultSet[] = [];
      for (const stmt of stmts) results.push(await tx.execute(stmt));
      await tx.commit();
      return results;
    } finally {
      tx.close();
    }
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.batch(stmts, "deferred");
  }

  /**
   * Prisma asks for "deferred" transactions; they start IMMEDIATE here (except "read"). A deferred
   * transaction that reads and then writes, while another process committed in between, fails at
   * once with SQLITE_BUSY (its snapshot is stale; no waiting helps). IMMEDIATE takes the write
   * lock at BEGIN, waiting for it if need be. In this process the adapter runs one transaction at
   * a time anyway, so nothing is lost.
   */
  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    this.#checkOpen();
    await this.#waitingForLock(() => this.#exec(mode === "read" ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE"));
    return new SqliteTransaction(this);
  }

  /** A script (migrations): it may run its own statements in any order, so SQLite's busy_timeout waits for it. */
  async executeMultiple(sql: string): Promise<void> {
    this.#checkOpen();
    this.#pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
    try {
      this.#exec(sql);
    } finally {
      if (this.#db.inTransaction) this.#exec("ROLLBACK");
      this.#pragma("busy_timeout = 0");
    }
  }

  async sync(): Promise<void> {
    throw new LibsqlError("A local SQLite file has no remote to sync with.", "SYNC_NOT_SUPPORTED");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#statements.clear();
    this.#db.close();
  }

  get inTransaction(): boolean {
    return !this.closed && this.#db.inTransaction;
  }

  /** @internal Runs one statement; used by the transaction on this connection. */
  runStatement(stmt: InStatement): Promise<ResultSet> {
    return this.#waitingForLock(() => this.#run(typeof stmt === "string" ? { sql: stmt, args: [] } : stmt));
  }

  /** @internal */
  exec(sql: string): Promise<void> {
    return this.#waitingForLock(() => this.#exec(sql));
  }

  /**
   * Runs `attempt`, and again after a short timer while another connection holds the write
   * lock (SQLITE_BUSY: the statement did nothing, so running it again is safe), for at most
   * LOCK_WAIT_MS.
   */
  async #waitingForLock<T>(attempt: () => T): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let delay = LOCK_RETRY_MIN_MS; ; delay = Math.min(delay * 2, LOCK_RETRY_MAX_MS)) {
      try {
        return attempt();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  #run(stmt: { sql: string; args?: InArgs }): ResultSet {
    const args = Array.isArray(stmt.args) ? stmt.args.map(valueToSql) : namedArgs(stmt.args ?? {});
    try {
      const prepared = this.#prepare(stmt.sql);
      if (prepared.reader) {
        const rows = (prepared.statement.all(args) as unknown[][]).map(rowFromSql(prepared.columns));
        return resultSet(prepared.columns, prepared.columnTypes, rows, 0, undefined);
      }
      const info = prepared.statement.run(args);
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (error) {
      throw asLibsqlError(error);
    }
  }

  #prepare(sql: string): Prepared {
    const cached = this.#statements.get(sql);
    if (cached) {
      // Least recently used first: re-insert on use.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.#db.prepare(sql);
    statement.safeIntegers(true);
    const reader = statement.reader;
    if (reader) statement.raw(true);
    const columns = reader ? statement.columns() : [];
    const prepared: Prepared = { statement, reader, columns: columns.map((c) => c.name), columnTypes: columns.map((c) => c.type ?? "") };
    this.#statements.set(sql, prepared);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
    return prepared;
  }

  /** Pragmas answer with a row, which exec() refuses: they run as statements. */
  #pragma(pragma: string): void {
    this.#db.prepare(`PRAGMA ${pragma}`).all();
  }

  #exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw asLibsqlError(error);
    }
  }

  #checkOpen() {
    if (this.closed) throw new LibsqlError("The SQLite connection is closed.", "CLIENT_CLOSED");
  }
}

/** A transaction on the connection itself (see the module comment for why that is safe). */
class SqliteTransaction implements Transaction {
  readonly #connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    this.#checkOpen();
    return this.#connection.runStatement(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    const results: ResultSet[] = [];
    for (const stmt of stmts) results.push(await this.execute(stmt));
    return results;
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#checkOpen();
    await this.#connection.exec(sql);
  }

  async commit(): Promise<void> {
    this.#checkOpen();
    await this.#connection.exec("COMMIT");
  }

  async rollback(): Promise<void> {
    if (this.#connection.inTransaction) await this.#connection.exec("ROLLBACK");
  }

  close(): void {
    // Never busy: ROLLBACK only releases locks.
    if (this.#connection.inTransaction) void this.#connection.exec("ROLLBACK");
  }

  get closed(): boolean {
    return !this.#connection.inTransaction;
  }

  #checkOpen() {
    if (this.closed) throw new LibsqlError("The transaction is closed.", "TRANSACTION_CLOSED");
  }
}

/** Prisma's libSQL adapter on one long-lived {@link SqliteConnection}. */
export class SqliteAdapterFactory extends PrismaLibSQL {
  override createClient(config: { url: string }): Client {
    return new SqliteConnection(sqlitePath(config.url));
  }
}

function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, columnTypes, rows: rows.map((r) => Array.from(r as ArrayLike<unknown>)), rowsAffected, lastInsertRowid: lastInsertRowid?.toString() ?? null }),
  };
}

/** A row as @libsql/client gives it: indexable by position and by column name. */
function rowFromSql(columns: string[]) {
  return (values: unknown[]): Row => {
    const row = values.map(valueFromSql) as unknown as Row;
    columns.forEach((name, i) => {
      if (!Object.hasOwn(row, name)) Object.defineProperty(row, name, { value: row[i], enumerable: true });
    });
    return row;
  };
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function valueFromSql(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < MIN_SAFE || value > MAX_SAFE) throw new RangeError("Received an integer that a JavaScript number cannot hold exactly.");
    return Number(value);
  }
  if (Buffer.isBuffer(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

function valueToSql(value: InValue): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments.");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as an argument to the database.");
  return value;
}

function namedArgs(args: Record<string, InValue>): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) named[/^[@$:]/.test(name) ? name.slice(1) : name] = valueToSql(value);
  return named;
}

function isBusy(error: unknown): boolean {
  return error instanceof LibsqlError && typeof error.rawCode === "number" && (error.rawCode & 0xff) === SQLITE_BUSY;
}
const SQLITE_BUSY = 5;

/**
 * libsql's errors in @libsql/client's shape, which the Prisma adapter maps (unique violations,
 * busy…). Reading rows (`all`) throws the native error, with the same code and rawCode, unwrapped.
 */
function asLibsqlError(error: unknown): unknown {
  if (error instanceof LibsqlError || !(error instanceof Error)) return error;
  const { code, rawCode } = error as { code?: unknown; rawCode?: unknown };
  if (typeof code !== "string") return error;
  return new LibsqlError(error.message, code, typeof rawCode === "number" ? rawCode : undefined, error);
}
