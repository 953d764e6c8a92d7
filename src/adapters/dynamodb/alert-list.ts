import { ValidationError } from '../../domain/errors';
import type { AlertQuery, Page } from '../../domain/ports';
import { ALERT_STATUSES, type Alert, type AlertStatus } from '../../domain/types';
import { alertsOf } from './alert-item';
import { alertRows } from './alert-rows';
import type { AlertTable } from './alert-table';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { fieldReader, type Item, isRecord } from './item-fields';
import { ItemStream, queryFetcher } from './pages';

export const STATUS_INDEX = 'StatusIndex';

/**
 * Where one status's query stands: after the alert (id, createdAt), or exhausted. A status missing from
 * the cursor has not been read yet. The index key holds status too, which the map key gives.
 */
type Position = { id: string; t: number } | 'done';

interface ListCursor {
  v: 1;
  /** The query the cursor belongs to: resuming another one would skip or repeat alerts. */
  q: { status: AlertStatus | null; stationId: string | null };
  p: Partial<Record<AlertStatus, Position>>;
}

const parsePosition = (value: unknown): Position => {
  if (value === 'done') return value;
  if (
    isRecord(value) &&
    typeof value.id === 'string' &&
    value.id.length > 0 &&
    typeof value.t === 'number' &&
    Number.isFinite(value.t)
  ) {
    return { id: value.id, t: value.t };
  }
  throw invalidCursor('malformed position');
};

const parseListCursor = (cursor: string, query: ListCursor['q']): ListCursor['p'] => {
  const decoded = decodeCursor(cursor);
  if (!isRecord(decoded) || decoded.v !== 1 || !isRecord(decoded.q) || !isRecord(decoded.p)) {
    throw invalidCursor('not a cursor of the alert list');
  }
  if (decoded.q.status !== query.status || decoded.q.stationId !== query.stationId) {
    throw invalidCursor('the cursor belongs to a list with other filters');
  }
  const positions: ListCursor['p'] = {};
  for (const [status, value] of Object.entries(decoded.p)) {
    const known = ALERT_STATUSES.find((s) => s === status);
    if (!known) throw invalidCursor('malformed position');
    positions[known] = parsePosition(value);
  }
  return positions;
};

/** One status's query on StatusIndex, newest first, resumed from its position. */
interface StatusRead {
  status: AlertStatus;
  stream: ItemStream | null;
  position: Position | undefined;
}

/**
 * Alerts newest first by createdAt. One status is one StatusIndex query; no status is a k-way merge of
 * the three, and the cursor records each query's position so every page resumes exactly after the last
 * alert it returned, however sparse a stationId filter makes DynamoDB's pages. The index holds keys and
 * the attributes queries filter on only, so the page's rows are then read whole (one BatchGetItem): a row that
 * changed status since the index was read shows as it is now, and not in a list of its former status.
 */
export const listAlerts = async (table: AlertTable, query: AlertQuery): Promise<Page<Alert>> => {
  const { doc, tableName } = table;
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new ValidationError('limit must be a positive integer', [
      { path: 'limit', message: 'must be a positive integer' },
    ]);
  }
  const filters: ListCursor['q'] = { status: query.status ?? null, stationId: query.stationId ?? null };
  const positions = query.cursor === undefined ? {} : parseListCursor(query.cursor, filters);
  const statuses = query.status ? [query.status] : ALERT_STATUSES;

  const reads: StatusRead[] = statuses.map((status) => {
    const position = positions[status];
    if (position === 'done') return { status, stream: null, position };
    const fetch = queryFetcher(doc, {
      TableName: tableName,
      IndexName: STATUS_INDEX,
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ...(query.stationId === undefined ? {} : { ':stationId': query.stationId }),
      },
      ...(query.stationId === undefined ? {} : { FilterExpression: 'stationId = :stationId' }),
      ScanIndexForward: false,
    });
    // An index's ExclusiveStartKey is the table key plus the index key.
    const startKey = position && { alertId: position.id, status, createdAt: position.t };
    // One item more than the page, so the page can tell whether another follows.
    return { status, stream: new ItemStream(fetch, startKey, query.limit + 1), position };
  });

  /** The next alert of each query, marking the exhausted ones done. */
  const heads = () =>
    Promise.all(
      reads.map(async (read) => {
        const head = await read.stream?.peek();
        if (read.stream && !head) {
          read.stream = null;
          read.position = 'done';
        }
        return head;
      }),
    );
  const createdAtOf = (item: Item): number => fieldReader(tableName, item).number('createdAt');

  const taken: Item[] = [];
  while (taken.length < query.limit) {
    const next = await heads();
    let newest: number | undefined;
    next.forEach((item, index) => {
      if (!item) return;
      const current = newest === undefined ? undefined : next[newest];
      if (!current || createdAtOf(item) > createdAtOf(current)) newest = index;
    });
    if (newest === undefined) break;
    const read = reads[newest] as StatusRead;
    const item = read.stream?.take();
    if (!item) break;
    taken.push(item);
    read.position = { id: fieldReader(tableName, item).string('alertId'), t: createdAtOf(item) };
  }

  const hasMore = (await heads()).some((item) => item !== undefined);
  const p: ListCursor['p'] = {};
  for (const read of reads) if (read.position !== undefined) p[read.status] = read.position;
  const cursor: ListCursor = { v: 1, q: filters, p };
  const rows = (
    await alertRows(
      table,
      taken.map((item) => fieldReader(tableName, item).string('alertId')),
    )
  ).filter((row) => query.status === undefined || row.status === query.status);
  return { items: alertsOf(tableName, rows), nextCursor: hasMore ? encodeCursor(cursor) : null };
};
