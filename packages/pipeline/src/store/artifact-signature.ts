import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Artifact tags as turbo's `signature_authentication` builds them: base64 of HMAC-SHA256 with the
 * team's secret over the artifact id, then the team, then the body. A server stores the tag beside
 * the artifact (`x-artifact-tag`) and hands it back; only holders of the secret can make a valid
 * one, so a record planted on the server by anyone else is refused. Only rd-assets checks these
 * tags (turbo 2.11 itself signs with another construction; the two share no artifacts).
 */
export function artifactTag(options: { secret: string; id: string; team: string; body: Uint8Array }): string {
  return createHmac('sha256', options.secret).update(options.id).update(options.team).update(options.body).digest('base64');
}

/** Whether `tag` is the tag of this artifact under `secret` (compared in constant time). */
export function verifyArtifactTag(options: { secret: string; id: string; team: string; body: Uint8Array; tag: string | undefined }): boolean {
  if (!options.tag) return false;
  const expected = Buffer.from(artifactTag(options), 'base64');
  const given = Buffer.from(options.tag, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
