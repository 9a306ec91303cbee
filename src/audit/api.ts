/**
 * The two calls an audit makes to Azure, as the rest of src/audit sees them. Only azure-client.ts implements
 * them with the SDK, and it is imported lazily, so `azfence scan` never loads @azure/*.
 */
export interface AzureApi {
  /** One page of a Resource Graph query (throws the SDK's RestError on a non-200). */
  queryGraph(request: GraphRequest): Promise<GraphPage>;
  /** One ARM GET of a path (`/subscriptions?api-version=...`) or a nextLink URL; returns the parsed body. */
  armGet(pathOrUrl: string): Promise<unknown>;
}

export interface GraphRequest {
  query: string;
  subscriptions?: string[];
  managementGroups?: string[];
  top: number;
  skipToken?: string;
}

/** One page as Resource Graph answered it: read-graph.ts checks that it holds rows and that none are lost. */
export interface GraphPage {
  /** Rows (asked for as an object array); anything else is a page that lost its rows. */
  data: unknown;
  skipToken?: string;
  /** Rows the whole query matches, across pages. */
  totalRecords?: number;
  /** Resource Graph cut the answer short and gave no skip token to read on. */
  resultTruncated?: boolean;
}
