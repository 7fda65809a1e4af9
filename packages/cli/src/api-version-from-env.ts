/** `RD_API_VERSION` when it names a version the client speaks. */
export function apiVersionFromEnv(env: NodeJS.ProcessEnv): 'v1' | 'v2' | undefined {
  return env.RD_API_VERSION === 'v1' || env.RD_API_VERSION === 'v2' ? env.RD_API_VERSION : undefined;
}
