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

export interface GraphPage {
  data: unknown[];
  skipToken?: string;
  totalRecords?: number;
}
