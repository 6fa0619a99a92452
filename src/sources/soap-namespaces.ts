// SOAP envelopes declare dozens of standard namespaces; only the others say something about the
// firmware's author (Hikvision declares http://www.hikvision.com/2011/event/topics, Axis
// http://www.axis.com/2009/event/topics). Standards bodies are filtered out here.
const STANDARD_HOSTS = ['www.w3.org', 'schemas.xmlsoap.org', 'www.onvif.org', 'docs.oasis-open.org', 'www.wsdl.org', 'schemas.microsoft.com'];

export function vendorNamespaces(namespaces: readonly string[]): string[] {
  return [...new Set(namespaces)].filter((ns) => {
    try {
      return !STANDARD_HOSTS.includes(new URL(ns).hostname);
    } catch {
      return !/^urn:(?:schemas-xmlsoap-org|oasis)/i.test(ns);
    }
  });
}
