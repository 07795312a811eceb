-- No raw value may fall in two bands of one criterion, or it would be scored twice.
-- Two ranges [min, max) overlap when each starts before the other ends; an empty bound
-- is unbounded on that side.
{{ scoring_bands_do_not_overlap('prospect_scoring_criteria', 'prospect_scoring_bands') }}
