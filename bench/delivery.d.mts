export const USERNAME: string;
export const PASSWORD: string;
export const SECRET: string;
export const AUTHORIZATION: string;
export const BODY: string;
export function deliveryHeaders(): Promise<{
  basic: Record<string, string>;
  signed: Record<string, string>;
}>;
