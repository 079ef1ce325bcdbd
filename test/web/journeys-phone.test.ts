/** Every web journey on a 360 px wide phone, with no horizontal scrolling on any page (see journeys.ts). */
import { defineJourneys } from './journeys.ts';

defineJourneys(360, 780);
