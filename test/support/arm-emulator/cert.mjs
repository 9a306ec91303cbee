// A throwaway self-signed certificate for the emulator: the SDK's bearer-token policy only sends tokens
// over TLS, so the audit subprocess trusts this certificate through NODE_EXTRA_CA_CERTS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeCertificate(dir = mkdtempSync(join(tmpdir(), 'azfence-emulator-'))) {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  return { dir, keyPath, certPath, key: readFileSync(keyPath), cert: readFileSync(certPath) };
}
