// The pause between two reads of the member's status. Every poll waits here, so what may cut a pause
// short (an event about the member) is decided in this one place.
import { sleep } from '@temporalio/workflow';

export async function waitForNextPoll(delayMs: number, summary: string): Promise<void> {
  await sleep(delayMs, { summary });
}
