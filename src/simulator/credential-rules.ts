// Seed rule: exactly one of key_pair / login_password; a password has 8-30 characters and at least
// three of the four character classes. Messages never echo the password.
import { invalidParameter } from './errors.js';
import { readOptionalString, type JsonObject } from './field-checks.js';

export interface LoginCredential {
  keyPair?: string;
  hasLoginPassword: boolean;
}

const SPECIAL_CHARACTERS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";
const PASSWORD_RULE =
  'must be 8 to 30 characters and contain at least three of: upper-case letters, lower-case letters, digits, ' +
  `special characters (${SPECIAL_CHARACTERS})`;

function characterClassCount(password: string): number {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/].filter((pattern) => pattern.test(password)).length;
  const hasSpecial = [...password].some((character) => SPECIAL_CHARACTERS.includes(character));
  return classes + (hasSpecial ? 1 : 0);
}

function hasOnlyAllowedCharacters(password: string): boolean {
  return [...password].every((character) => /[A-Za-z0-9]/.test(character) || SPECIAL_CHARACTERS.includes(character));
}

export function isAcceptablePassword(password: string): boolean {
  return (
    password.length >= 8 &&
    password.length <= 30 &&
    hasOnlyAllowedCharacters(password) &&
    characterClassCount(password) >= 3
  );
}

export function readLoginCredential(body: JsonObject): LoginCredential {
  const keyPair = readOptionalString('key_pair', body.key_pair);
  const password = readOptionalString('login_password', body.login_password);
  const hasKeyPair = keyPair !== undefined && keyPair !== '';
  const hasPassword = password !== undefined && password !== '';
  if (hasKeyPair === hasPassword) {
    throw invalidParameter('key_pair/login_password', 'exactly one of key_pair and login_password must be set');
  }
  if (password !== undefined && hasPassword && !isAcceptablePassword(password)) {
    throw invalidParameter('login_password', PASSWORD_RULE);
  }
  return hasKeyPair ? { keyPair, hasLoginPassword: false } : { hasLoginPassword: true };
}
