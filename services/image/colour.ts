/** toSharpColour turns a Qiniu colour (a name, #RRGGBB, transparent/none) into what sharp takes. */
export function toSharpColour(colour: string): string | { r: number; g: number; b: number; alpha: number } {
  const c = colour.trim().toLowerCase();
  if (c === 'transparent' || c === 'none') return { r: 0, g: 0, b: 0, alpha: 0 };
  return c || 'white';
}
