// Real-shaped CircleCI OIDC tokens for browser tests: the header and claims CircleCI issues (see
// shared DOMAIN.md section 1), base64url-encoded, with a random (so invalid) RS256-sized signature.
import { randomBytes } from 'node:crypto';

export const ORG_ID = 'c2b7a1d4-5e3f-4a8b-9c6d-0e1f2a3b4c5d';
export const PROJECT_ID = '8f4e2d1c-7b6a-4e5d-8c3b-2a1f0e9d8c7b';
export const USER_ID = '3d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a';
export const VCS_ORIGIN = 'github.com/acme-corp/deploy-service';
export const VCS_REF = 'refs/heads/main';
export const KID = 'c8f1d0c2-94a7-4d46-bb45-2f0d7e1a9b3e';

/** base64url without padding, of a string or of an object's JSON. */
export function b64url(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function v1Sub({ org = ORG_ID, project = PROJECT_ID, user = USER_ID } = {}) {
  return `org/${org}/project/${project}/user/${user}`;
}

export function v2Sub(opts = {}) {
  const { vcsOrigin = VCS_ORIGIN, vcsRef = VCS_REF } = opts;
  return `${v1Sub(opts)}/vcs-origin/${vcsOrigin}/vcs-ref/${vcsRef}`;
}

/** The claims of a CircleCI cloud token issued at `iat` (1 hour lifetime). */
export function circleClaims({ version = 'v2', iat = 1764115200, org = ORG_ID, ...rest } = {}) {
  return {
    aud: org,
    exp: iat + 3600,
    iat,
    iss: `https://oidc.circleci.com/org/${org}`,
    'oidc.circleci.com/context-ids': ['5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
    'oidc.circleci.com/job-id': '6b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    'oidc.circleci.com/org-id': org,
    'oidc.circleci.com/pipeline-definition-id': '7c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    'oidc.circleci.com/pipeline-id': '8d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a',
    'oidc.circleci.com/project-id': PROJECT_ID,
    'oidc.circleci.com/ssh-rerun': false,
    'oidc.circleci.com/vcs-origin': VCS_ORIGIN,
    'oidc.circleci.com/vcs-ref': VCS_REF,
    'oidc.circleci.com/workflow-id': '9e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b',
    sub: version === 'v1' ? v1Sub({ org }) : v2Sub({ org }),
    ...rest,
  };
}

/** A compact JWS: header.payload.signature (the signature is 256 random bytes, as for a 2048-bit RSA key). */
export function circleToken(opts = {}) {
  const header = { alg: 'RS256', kid: KID, typ: 'JWT' };
  return `${b64url(header)}.${b64url(circleClaims(opts))}.${randomBytes(256).toString('base64url')}`;
}

/** `length` characters of deterministic pseudo-random printable text (no dots), for stress tests. */
export function randomText(length, seed = 42) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !#$%&()*+,-/:;<=>?@[]^_{|}~\n';
  let state = seed >>> 0;
  const out = new Array(length);
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = alphabet[state % alphabet.length];
  }
  return out.join('');
}
