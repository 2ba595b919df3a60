// Credentials of the local control plane: a static admin token (group system:masters) and a
// service-account signing key. The serving certificate is the one kube-apiserver self-signs into
// its --cert-dir, so no openssl is needed.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ControlPlaneCredentials {
  adminToken: string;
  tokenFile: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export function writeCredentials(dir: string): ControlPlaneCredentials {
  const adminToken = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'tokens.csv');
  writeFileSync(tokenFile, `${adminToken},sco-admin,sco-admin-uid,"system:masters"\n`, { mode: 0o600 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  writeFileSync(serviceAccountKey, privateKey, { mode: 0o600 });
  writeFileSync(serviceAccountPub, publicKey);
  return { adminToken, tokenFile, serviceAccountKey, serviceAccountPub };
}

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: local-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: local',
    '  context: {cluster: local, user: local-admin}',
    'current-context: local',
    '',
  ].join('\n');
}
