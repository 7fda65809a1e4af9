// @rd-assets/pipeline: manifest → cached API calls → post-processing → files.
// Folders by concern: engine/ (build, plan), project/ (opening a manifest), store/ (cache, remote
// cache, journal, ledger), outputs/ (index, types, atlases), post/ (image steps), watch/, and the
// preview files. The API client is @rd-assets/api; the CLI wires in the emulator for --offline.
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
} from '@rd-assets/api';
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
} from '@rd-assets/api';
export { build, plan } from './engine/build.js';
export { watch, DEFAULT_DEBOUNCE_MS } from './watch/watch.js';
export type { WatchOptions, WatchEvent, WatchSession } from './watch/watch.js';
export { startPreviewServer, PreviewPortError, DEFAULT_PREVIEW_PORT } from './preview/server.js';
export type { PreviewServer, PreviewServerOptions } from './preview/server.js';
export type { GalleryAction, GalleryActionOptions } from './preview/gallery-actions.js';
export type { PreviewCuration } from './preview/curation-model.js';
export { checkReportPath, writePreviewReport } from './preview/report.js';
export type { PreviewReportOptions } from './preview/report.js';
export { loadPreview } from './preview/model.js';
export type { PreviewImage } from './preview/image.js';
export type { PreviewModel, PreviewAsset, PreviewPalette, PreviewStatus, PreviewTileset, PreviewLoadOptions, LoadedPreview } from './preview/model.js';
export type { PreviewAnimation } from './preview/animation.js';
export { previewPage } from './preview/page.js';
export type { BuildOptions, BuildResult, BuildEvent, Plan, PlanItem, PlanAction, AssetResult, AssetStatus } from './engine/build-types.js';
export { validateManifest, openProject, openCatalog } from './project/project.js';
export { manifestPath, stylesOverridePath } from './project/manifest-location.js';
export type { Project, ProjectOptions } from './project/project.js';
export { checkManifestFiles } from './project/manifest-files.js';
export { providerIdFor } from './engine/provider-id.js';
export type { ProviderChoice } from './engine/provider-id.js';
export { balance, refreshStyles } from './engine/account.js';
export type { AccountOptions } from './engine/account.js';
export { gc, clean } from './store/maintenance.js';
export type { GcOptions, MaintenanceOptions } from './store/maintenance.js';
// Curation: choose among results (pick, reroll, history, revert), editing the manifest in place.
export { pick, pickCandidate } from './curate/pick.js';
export { curationSpending } from './curate/curation-spending.js';
export { reroll, rerollSeed } from './curate/reroll.js';
export type { RerollOptions } from './curate/reroll.js';
export { assetHistory } from './curate/history.js';
export type { HistoryItem } from './curate/history.js';
export { revert, revertRequest } from './curate/revert.js';
export { initManifest, STARTER_MANIFEST } from './project/init-manifest.js';
export { setupCi, type CiSetupOptions, type CiSetupResult } from './project/ci-setup.js';
export { CI_FLOWS, type CiFlow } from './project/ci-workflows.js';
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
  tiledTsj,
  tiledTmj,
  wangDemoMap,
  godotTileSet,
  wangTerrainColors,
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
  WangTerrainColors,
  TiledTilesetInput,
  WangDemoMap,
} from './post/index.js';
export { RetroDiffusionProvider, DEFAULT_API_URL } from '@rd-assets/api';
export type { RetroDiffusionProviderOptions, ProviderConnector, ProviderConnection, ApiSettings } from '@rd-assets/api';
export { apiConnector } from '@rd-assets/api';
export { FileTaskJournal } from './store/task-journal.js';
export { Ledger, readLedger, ledgerCharges, runSpend } from './store/ledger.js';
export type { LedgerLine, LedgerCharge, RunSpend } from './store/ledger.js';
export { ImageSizeError } from './engine/image-size-check.js';
// Shared remote cache (Turborepo Remote Cache API): the store a build uses when `remote:` is set.
export { TieredStore } from './store/tiered-store.js';
export type { TieredStoreOptions, RemoteStoreStats, RemoteStoreWarning } from './store/tiered-store.js';
export { RemoteCacheClient, RemoteCacheError } from './store/remote-cache-client.js';
export type { RemoteCacheClientOptions, RemoteArtifact, RemoteCacheFailure } from './store/remote-cache-client.js';
export { remoteCacheConfig, RemoteCacheConfigError } from './store/remote-cache-config.js';
export { UnknownAssetError } from './engine/unknown-asset.js';
export { DEFAULT_CONFIRM_ABOVE_USD } from './engine/spend-confirmation.js';
export type { SpendRequest } from './engine/build-types.js';
export type { RemoteCacheConfig } from './store/remote-cache-config.js';
export { artifactTag, verifyArtifactTag } from './store/artifact-signature.js';
