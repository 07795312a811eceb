-- The direction column documents how a criterion's bands run: for higher_is_better a
-- higher band never scores less than a lower one, for lower_is_better never more. A
-- warning only: a deliberately peaked band set (e.g. "ideal" order size) is allowed,
-- but should be a conscious choice.
{{ config(severity='warn') }}
{{ scoring_bands_follow_direction('prospect_scoring_criteria', 'prospect_scoring_bands') }}
