/**
 * Part of every postKey. Bump it whenever the bytes any post step writes could change (a new
 * encoder setting, a different nearest-colour rule, a new field in the atlas JSON, another file
 * name), so cached post results are rebuilt, without spending credits, on the next build.
 */
export const POST_VERSION = 2;
