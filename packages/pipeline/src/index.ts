export type {
  Provider,
  ProviderRequest,
  ProviderResult,
  Endpoint,
  CallOptions,
  RequestOptions,
  TaskJournal,
  JournalEntry,
  ProviderEvent,
} from './provider.js';
export {
  ProviderError,
  AuthError,
  BalanceError,
  RequestRejectedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  NetworkError,
  MalformedResponseError,
  IdempotencyConflictError,
  CancelledError,
} from './provider-errors.js';
export { build, plan } from './build.js';
export { watch, DEFAULT_DEBOUNCE_MS } from './watch.js';
export type { WatchOptions, WatchEvent, WatchSession } from './watch.js';
export { startPreviewServer, PreviewPortError, DEFAULT_PREVIEW_PORT } from './preview-server.js';
export type { PreviewServer, PreviewServerOptions } from './preview-server.js';
export { writePreviewReport } from './preview-report.js';
export type { PreviewReportOptions } from './preview-report.js';
export { loadPreview } from './preview-model.js';
export type { PreviewImage } from './preview-image.js';
export type { PreviewModel, PreviewAsset, PreviewPalette, PreviewStatus, PreviewTileset, PreviewLoadOptions, LoadedPreview } from './preview-model.js';
export type { PreviewAnimation } from './preview-animation.js';
export { previewPage } from './preview-page.js';
export type { BuildOptions, BuildResult, BuildEvent, Plan, PlanItem, PlanAction, AssetResult, AssetStatus } from './build-types.js';
export { validateManifest, openProject, openCatalog, manifestPath, stylesOverridePath } from './project.js';
export type { Project, ProjectOptions } from './project.js';
export { checkManifestFiles } from './manifest-files.js';
export { providerIdFor } from './provider-factory.js';
export { balance, refreshStyles } from './account.js';
export type { AccountOptions } from './account.js';
export { gc, clean } from './maintenance.js';
export { initManifest, STARTER_MANIFEST } from './init-manifest.js';
// Post-processing (./post): API output bytes → files game engines load. sharp loads lazily.
export {
  runPost,
  runAtlas,
  POST_VERSION,
  parsePalette,
  detectPaletteFormat,
  paletteStrip,
  decodeImage,
  encodePng,
  encodeGif,
  encodeWebp,
  PaletteMapper,
  mapToPalette,
  scaleNearest,
  downscaleBlocks,
  detectBlockSize,
  trimImages,
  padImage,
  buildSpritesheet,
  sliceApiSheet,
  atlasJson,
  serializeAtlasJson,
  godotSpriteFrames,
  sliceTileset,
  tiledTsx,
  godotTileSet,
  packAtlas,
  ImageDecodeError,
  ImageTooLargeError,
  PaletteParseError,
  PostStepError,
  AtlasTooSmallError,
} from './post/index.js';
export type {
  PostInput,
  PostOutput,
  PostFile,
  PostMeta,
  RgbaImage,
  DecodedImage,
  Palette,
  PaletteFormat,
  PaletteMapOptions,
  SheetOptions,
  SheetTag,
  PlacedFrame,
  AtlasJson,
  AtlasEntry,
} from './post/index.js';
export { RetroDiffusionProvider, DEFAULT_API_URL } from './retrodiffusion-provider.js';
export type { RetroDiffusionProviderOptions } from './retrodiffusion-provider.js';
export { FileTaskJournal } from './task-journal.js';
export { Ledger, readLedger, ledgerCharges, runSpend } from './ledger.js';
export type { LedgerLine, LedgerCharge, RunSpend } from './ledger.js';
export { ImageSizeError } from './image-size-check.js';
// Shared remote cache (Turborepo Remote Cache API): the store a build uses when `remote:` is set.
export { TieredStore } from './tiered-store.js';
export type { TieredStoreOptions, RemoteStoreStats, RemoteStoreWarning } from './tiered-store.js';
export { RemoteCacheClient, RemoteCacheError } from './remote-cache-client.js';
export type { RemoteCacheClientOptions, RemoteArtifact, RemoteCacheFailure } from './remote-cache-client.js';
export { remoteCacheConfig, RemoteCacheConfigError } from './remote-cache-config.js';
export { UnknownAssetError } from './unknown-asset.js';
export { DEFAULT_CONFIRM_ABOVE_USD } from './spend-confirmation.js';
export type { SpendRequest } from './build-types.js';
export type { RemoteCacheConfig } from './remote-cache-config.js';
export { artifactTag, verifyArtifactTag } from './artifact-signature.js';
