/** Every web journey on a desktop screen, 1280 × 900 (see journeys.ts). */
import { defineJourneys } from './journeys.ts';

defineJourneys(1280, 900);
