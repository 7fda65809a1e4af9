export { RdError, ManifestError, formatDiagnostic, formatLocation } from './errors.js';
export type { Diagnostic, Severity, SourceLocation } from './errors.js';
export { canonicalJson } from './canonical-json.js';
export { sha256Hex, hashCanonical, isSha256Hex } from './hash.js';
export { deriveSeed } from './asset-seed.js';
export {
  StyleCatalog,
  builtInCatalog,
  widestLimits,
  sourcesAccepting,
  sizeFits,
  describeLimits,
  USER_STYLE_PATTERN,
} from './style-catalog.js';
export type { StyleInfo, StyleFamily, StyleSource, StyleLimits, SizeLimits, PriceRule, OutputKind } from './style-catalog.js';
export { EDIT_TOOLS, getEditTool, PIXEL_FIXER, DITHER_MODES } from './edit-tool-catalog.js';
export type { EditToolInfo } from './edit-tool-catalog.js';
export { priceUsd, priceCredits, estimateStyleCost, addCost, minCost, roundUsd } from './pricing.js';
export { PRICES, USD_PER_CREDIT } from './price-table.js';
export { BUILT_IN_LOWPOLY_CATALOG, DEFAULT_LOWPOLY_STYLE, lowPolyPrice, lowPolyCatalogFromWire, lowPolyCatalogToWire } from './lowpoly-catalog.js';
export type { LowPolyCatalog, LowPolyStyle, LowPolyExportTarget, LowPolyOperation } from './lowpoly-catalog.js';
export { formatCost, formatAmount } from './cost-format.js';
export type { Cost } from './pricing.js';
export { animationLayout, frameNames, DIRECTIONS } from './animation-layout.js';
export type { AnimationLayout, AnimationTag, SheetCell } from './animation-layout.js';
export { WANG_TILES, TILESET_COLUMNS, TILESET_ROWS } from './tileset-layout.js';
export type { WangTile } from './tileset-layout.js';
export { parseManifest } from './manifest-loader.js';
export { namedPathProblem, safeRelative } from './manifest/safe-relative.js';
export { mapKeysAt, spliceScalars } from './manifest-splice.js';
export type { ScalarEdit } from './manifest-splice.js';
export { assetOutputs, atlasOutputs, extraImageName, imageStem, pickedImageCount, partsFolder, sheetFormatFile } from './output-names.js';
export type { OutputClaim } from './output-names.js';
export { modelFiles } from './model-files.js';
export type { ModelFile } from './model-files.js';
export { didYouMean } from './did-you-mean.js';
export type { ParseOptions, ParseResult } from './manifest-loader.js';
export { manifestSchema } from './manifest-schema.js';
export { matrixCombinations } from './matrix.js';
export type * from './manifest-types.js';
export { genKey, postKey, GEN_KEY_VERSION } from './keys.js';
export type { GenKeyInput, PostKeyInput } from './keys.js';
export { writeFileAtomic, writeFileAtomicSync, isTempName } from './atomic-file.js';
export { ObjectStore } from './object-store.js';
export type { CacheStore, ActionRecord, GenActionRecord, PostActionRecord, PostFile, StoredOutput, StoreWarning } from './object-store.js';
export {
  readLockfile,
  parseLockfile,
  serializeLockfile,
  writeLockfile,
  emptyLockfile,
  lockOutputs,
  LOCKFILE_VERSION,
} from './lockfile.js';
export { lockfilePathFor } from './lockfile-path.js';
export type { Lockfile, LockEntry, LockMeta, LockStep, LockAtlas, LockModel } from './lockfile.js';
export { acquireCacheLock } from './cache-lock.js';
export type { CacheLock, LockOwner } from './cache-lock.js';
export { assetRefs, assetDependencies } from './asset-refs.js';
export { expectedImageSize, FIXED_FRAME_SIZE } from './output-size.js';
export type { SizedRequest } from './output-size.js';
export {
  MAX_ID_LENGTH,
  MAX_MATRIX_INSTANCES,
  MAX_INPUT_BYTES,
  MAX_INPUT_SIDE,
  MAX_OUTPUT_SIDE,
  MAX_OUTPUT_PIXELS,
  MAX_MANIFEST_BYTES,
  MAX_YAML_ALIAS_COUNT,
  MAX_YAML_ALIAS_NODES,
  MAX_POST_PIXELS,
  MAX_RESPONSE_BYTES,
  MAX_ARTIFACT_BYTES,
  MAX_RETRY_AFTER_MS,
  MAX_REDIRECTS,
  MAX_STATUSLESS_ANSWERS,
  MAX_CONCURRENCY,
  LimitError,
  NotRegularFileError,
  fileKind,
} from './limits.js';
export { readRegularFile } from './regular-file.js';
export { outputFiles } from './output-ownership.js';
export { postPixelOverrun } from './post-pixel-budget.js';
export { secretRedactor, REDACT_MIN_RUN } from './secret-redaction.js';
export { probeImage } from './image-probe.js';
export type { ImageProbe } from './image-probe.js';
