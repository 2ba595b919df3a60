// Page parameters of the describe calls. DescribeClusterTasks uses page_number/page_size,
// DescribeClusterNodes pageNumber/pageSize (ack-api.md §5, §6).
import { readInteger } from './field-checks.js';

export interface Page {
  pageNumber: number;
  pageSize: number;
}

export interface PageKeys {
  numberKey: string;
  sizeKey: string;
  defaultSize: number;
  maxSize: number;
}

export function readPage(query: ReadonlyMap<string, string>, keys: PageKeys): Page {
  const number = query.get(keys.numberKey);
  const size = query.get(keys.sizeKey);
  return {
    pageNumber:
      number === undefined ? 1 : readInteger(keys.numberKey, number, { min: 1, max: 1_000_000, allowNumericString: true }),
    pageSize:
      size === undefined
        ? keys.defaultSize
        : readInteger(keys.sizeKey, size, { min: 1, max: keys.maxSize, allowNumericString: true }),
  };
}

export function pageOf<T>(items: readonly T[], page: Page): T[] {
  const start = (page.pageNumber - 1) * page.pageSize;
  return items.slice(start, start + page.pageSize);
}
