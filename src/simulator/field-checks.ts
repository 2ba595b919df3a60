// Typed readers for fields of a JSON request body. Each refusal is an InvalidParameter AckError whose
// message names the field, as the operator's users need to know which setting to fix.
import { invalidParameter } from './errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'object' && value !== null) {
    return 'an object';
  }
  return String(value);
}

export interface IntegerRange {
  min: number;
  max: number;
  /** Also accept a string of decimal digits (the docs type some sizes as strings). */
  allowNumericString?: boolean;
}

function toInteger(value: unknown, allowNumericString: boolean): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value;
  }
  if (allowNumericString && typeof value === 'string' && /^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  return undefined;
}

export function readInteger(field: string, value: unknown, range: IntegerRange): number {
  const integer = toInteger(value, range.allowNumericString ?? false);
  if (integer === undefined || integer < range.min || integer > range.max) {
    throw invalidParameter(field, `must be an integer between ${range.min} and ${range.max}, got ${describeValue(value)}`);
  }
  return integer;
}

export function readOptionalString(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw invalidParameter(field, `must be a string, got ${describeValue(value)}`);
  }
  return value;
}

export function readEnum<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  const text = readOptionalString(field, value);
  if (text === undefined) {
    return fallback;
  }
  const match = allowed.find((candidate) => candidate === text);
  if (match === undefined) {
    throw invalidParameter(field, `must be one of ${allowed.join(', ')}, got ${describeValue(text)}`);
  }
  return match;
}

export function readOptionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw invalidParameter(field, `must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

export function readArray(field: string, value: unknown, bounds: { min: number; max: number }): unknown[] {
  if (value === undefined || value === null) {
    if (bounds.min === 0) {
      return [];
    }
    throw invalidParameter(field, 'is required');
  }
  if (!Array.isArray(value)) {
    throw invalidParameter(field, `must be an array, got ${describeValue(value)}`);
  }
  if (value.length < bounds.min || value.length > bounds.max) {
    throw invalidParameter(field, `must list ${bounds.min} to ${bounds.max} items, got ${value.length}`);
  }
  return value;
}

export function readStringList(field: string, value: unknown, bounds: { min: number; max: number }): string[] {
  return readArray(field, value, bounds).map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw invalidParameter(`${field}[${index}]`, `must be a non-empty string, got ${describeValue(item)}`);
    }
    return item;
  });
}

export function readObjectList(field: string, value: unknown, bounds: { min: number; max: number }): JsonObject[] {
  return readArray(field, value, bounds).map((item, index) => {
    if (!isJsonObject(item)) {
      throw invalidParameter(`${field}[${index}]`, `must be an object, got ${describeValue(item)}`);
    }
    return item;
  });
}
