-- Every criterion of seeds/prospect_scoring_criteria.csv is computed by
-- int_prospects_criteria_unpivoted (macros/rules/prospect_scoring_criteria_values.sql), and
-- every computed one is configured.
{{ scoring_criteria_match_computed_values(
    'prospect_scoring_criteria',
    'int_prospects_criteria_unpivoted',
    prospect_scoring_criteria_values(),
    'prospect_scoring_criteria_values'
) }}
