// maxrects-packer declares "type": "module" but its `main` is a UMD bundle, which Node then loads
// as an ES module with no exports. Its real ES build is imported by path; the types are the same.
declare module 'maxrects-packer/dist/maxrects-packer.mjs' {
  export * from 'maxrects-packer';
}
