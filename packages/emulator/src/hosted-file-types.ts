const TYPES: Record<string, string> = {
  png: 'image/png',
  gif: 'image/gif',
  glb: 'model/gltf-binary',
  bbmodel: 'application/json',
  obj: 'text/plain',
  zip: 'application/zip',
  mp4: 'video/mp4',
};

/** The content type a hosted file is served with, from its name's extension (PNG when unknown). */
export function contentTypeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'image/png';
}
