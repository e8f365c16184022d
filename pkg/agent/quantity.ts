// cpu in millicores and memory in bytes, over pkg/apimachinery's Quantity parsing.
import { milliValue, quantityValue } from '../apimachinery';

export const cpuMilli = (q: string | number | undefined): number => (q === undefined ? 0 : milliValue(q));
export const bytes = (q: string | number | undefined): number => (q === undefined ? 0 : quantityValue(q));
