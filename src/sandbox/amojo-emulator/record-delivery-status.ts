import type { DeliveryStatusRecord, MessageRecord } from './emulator-types';

/** amojo keeps the last status it was told (it does not forbid going back from read to delivered); all are logged. */
export function recordDeliveryStatus(message: MessageRecord, status: DeliveryStatusRecord): void {
  message.deliveryStatus = status;
  message.statusHistory.push(status);
}
