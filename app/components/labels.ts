import type { OrderDeliveryStatus } from "~/domain/sales-order";

/** How an order's delivery status reads in lists and filters, and its badge tone. */
export const deliveryStatusLabel: Record<OrderDeliveryStatus, string> = {
  not_shipped: "Not shipped",
  partially_packed: "Partially packed",
  packed: "Packed",
  partially_delivered: "Partially delivered",
  delivered: "Delivered",
};

export const deliveryStatusTone: Record<OrderDeliveryStatus, "attention" | "info" | "success" | undefined> = {
  not_shipped: "attention",
  partially_packed: "info",
  packed: "info",
  partially_delivered: "info",
  delivered: "success",
};

/** A date as the merchant reads it (the day only, in UTC as stored). */
export function formatDay(value: string | Date | null | undefined): string {
  if (!value) return "—";
  return new Date(value).toISOString().slice(0, 10);
}
