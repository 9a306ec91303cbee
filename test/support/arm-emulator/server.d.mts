export interface EmulatorRequest {
  time: number;
  method: string;
  kind: 'token' | 'graph' | 'subscriptions' | 'child';
  path: string;
  /** -1: the connection was dropped on purpose. */
  status: number;
  subscriptions?: string[];
  query?: string;
  top?: number;
}

export interface FaultContext {
  kind: EmulatorRequest['kind'];
  /** How many requests of this kind came before this one. */
  index: number;
  path: string;
  body?: any;
  subscriptions?: string[];
}

export type FaultAnswer = undefined | 'drop' | { status: number; headers?: Record<string, string>; body?: unknown };

export interface EmulatedEstate {
  subscriptions: Array<{ id: string; displayName?: string; state?: string }>;
  rows: Array<Record<string, any>>;
  children?: Record<string, Record<string, Array<Record<string, any>>>>;
  managementGroups?: Record<string, string[]>;
}

export interface EmulatorOptions {
  estate: EmulatedEstate;
  pageSize?: number;
  subscriptionPageSize?: number;
  childPageSize?: number;
  forbidden?: string[];
  fault?: (request: FaultContext) => FaultAnswer;
  extraHeaders?: (request: { kind: EmulatorRequest['kind']; index: number }) => Record<string, string> | undefined;
  /** Answers a Resource Graph page (index: how many graph requests came before) with a 200 that loses rows. */
  pageFault?: (page: { index: number; subscriptions?: string[] }) => PageFault;
}

export type PageFault = undefined | 'data-not-rows' | 'rows-not-objects' | 'truncated' | 'ends-early' | 'repeats-token';

export interface RunningEmulator {
  url: string;
  port: number;
  certPath: string;
  requests: EmulatorRequest[];
  env(): Record<string, string>;
  close(): Promise<void>;
}

export function startEmulator(options: EmulatorOptions): Promise<RunningEmulator>;
