import type { EmulatedEstate } from './server.mjs';

type Row = Record<string, any>;
export function sub(n: number): string;
export function armId(subscription: string, group: string, provider: string, type: string, name: string): string;
export function row(subscription: string, group: string, fullType: string, name: string, properties?: Row, extra?: Row): Row;
export function registry(subscription: string, name: string, properties?: Row): Row;
export function vault(subscription: string, name: string, properties?: Row): Row;
export function storage(subscription: string, name: string, properties?: Row): Row;
export function vnet(subscription: string, name: string, subnetNames?: string[]): Row;
export function privateDnsZone(subscription: string, zone: string): Row;
export function zoneLink(subscription: string, zone: string, name: string, vnetId: string): Row;
export function privateEndpoint(subscription: string, name: string, target: Row, groupId: string, subnetId: string): Row;
export function zoneGroup(endpoint: Row, zoneIds: string[], name?: string): Row;
export function addChildren(children: Record<string, Record<string, Row[]>>, parent: Row, segment: string, list: Row[]): void;
export function generateEstate(options?: { resources?: number; subscriptions?: number }): Required<Pick<EmulatedEstate, 'subscriptions' | 'rows' | 'children'>>;
