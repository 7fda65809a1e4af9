import type { StyleCatalog, StyleInfo } from '@rd-assets/core';

const TAB: Record<StyleInfo['output'], string> = { image: 'tab:image', animation: 'tab:animation', tileset: 'tab:tileset', edit: 'tab:image' };

function tabOf(style: StyleInfo): string {
  return style.family === 'advanced_animation' ? 'tab:advanced-animation' : TAB[style.output];
}

/** `GET /styles/selector`, built from the style catalog with the current reference's limits. */
export function styleSelector(catalog: StyleCatalog, model?: string, tab?: string): Record<string, unknown> {
  const styles = catalog.styles
    .filter((s) => s.family !== 'edit' && s.sources.some((src) => src !== 'seed'))
    .filter((s) => !model || s.family === model)
    .filter((s) => !tab || tabOf(s) === tab)
    .map((s) => {
      const l = s.limits.find((x) => x.source === 'current') ?? s.limits[0];
      return {
        prompt_style: s.id,
        name: s.id.split('__')[1]?.replace(/_/g, ' ') ?? s.id,
        description: s.description,
        required_model: s.model,
        required_tab: tabOf(s),
        min_width: l?.minWidth ?? 16,
        max_width: l?.maxWidth ?? 512,
        min_height: l?.minHeight ?? 16,
        max_height: l?.maxHeight ?? 512,
        max_number_of_images: l?.maxImages ?? 1,
        require_input_image: s.requiresInputImage,
        supports_reference_images: s.maxReferenceImages > 0,
        example_prompt: 'a knight with a red cape',
      };
    });
  const families = [...new Set(catalog.styles.map((s) => s.family).filter((f) => f !== 'edit' && f !== 'user'))];
  return { styles, models: families, tabs: ['tab:image', 'tab:animation', 'tab:advanced-animation', 'tab:tileset'] };
}
