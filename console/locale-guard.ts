// Imported first by main.tsx, so it runs before any other module of the page.
//
// Chromium started in the C/POSIX locale reports navigator.language as `en-US@posix`, a tag Intl refuses
// with a RangeError. uPlot builds an Intl.NumberFormat from navigator.language when its module loads, so
// the whole console stayed blank in such a browser. The page sees the tags without their `@` part.
const cut = (tag: string): string => tag.replace(/@.*$/, '');

if (typeof navigator !== 'undefined' && navigator.languages.some((tag) => tag.includes('@'))) {
  Object.defineProperty(navigator, 'language', { value: cut(navigator.language), configurable: true });
  Object.defineProperty(navigator, 'languages', {
    value: Object.freeze(navigator.languages.map(cut)),
    configurable: true,
  });
}
