/**
 * A message or remediation template as a reader of rule documentation sees it (docs/rules, `azfence explain`,
 * the rule help SARIF and HTML reports carry): what a finding fills in is shown as a named slot
 * (`<registry>`, `<resource address>`), a parameter as its default when one is known, a property by its
 * path. A finding's own text is filled in by the engine; this is for text that stands for every finding.
 */

/** `neededZones` -> `needed zones`, `routeTable` -> `route table`. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
}

/** `parameterDefault` gives a parameter's default; without one the parameter shows as a slot of its name. */
export function documentTemplate(template: string, parameterDefault: (name: string) => unknown = () => undefined): string {
  // `{detail:key|words}`: the page shows the slot; the words are what a finding says when the detail is not known.
  return template.replace(/\{(name|type|label|address|id|resourceGroup|field|attr|param|detail)(?::([^}|]+))?(?:\|[^}]*)?\}/g, (whole, kind: string, arg: string | undefined) => {
    switch (kind) {
      case 'name':
        return '<resource name>';
      case 'type':
        return '<ARM type>';
      case 'label':
        return '<resource kind>';
      case 'address':
        return '<resource address>';
      case 'id':
        return '<resource id>';
      case 'resourceGroup':
        return '<resource group>';
      case 'field':
        return arg ? `<value of ${arg}>` : whole;
      case 'attr':
        // Written inside a code span in the packs (`{attr:x} = false`): a slot, not a nested code span.
        return arg ? `<attribute for ${arg}>` : whole;
      case 'param': {
        const value = arg ? parameterDefault(arg) : undefined;
        return arg ? (Array.isArray(value) ? value.join(', ') : value === undefined ? `<${arg}>` : String(value)) : whole;
      }
      case 'detail':
        return arg ? `<${words(arg)}>` : whole;
      default:
        return whole;
    }
  });
}

/** Markdown reads `<subnet>` outside a code span as an HTML tag and hides it: escape those brackets. */
export function escapeSlots(markdown: string): string {
  return markdown
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/</g, '\\<').replace(/>/g, '\\>')))
    .join('');
}
