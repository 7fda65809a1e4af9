/**
 * The style the API uses for a request that sends no `prompt_style`: the API examples' first
 * request sends none and is served by RD_FAST, and the v2 reference makes the field optional.
 * An asset without `style:` is checked against and priced as this style, and sent without one.
 */
export const API_DEFAULT_STYLE = 'rd_fast__default';
