{#- A KvK (NL) or KBO/BCE (BE) number as people type it, normalised for comparison
    (docs/business-rules.md section 14): digits only (spaces, dots, dashes and a BE prefix
    removed); a Belgian number (BE prefix, or 9 digits: the leading zero dropped, as a
    spreadsheet drops it) left-padded to 10 digits. A result that is neither 8 digits
    (KvK) nor 10 (KBO) is not a valid number: null, so it never links anything. -#}
{% macro normalised_company_number(column) -%}
    case
        when upper(ltrim({{ column }})) like 'BE%'
            and length({{ digits_only(column) }}) between 1 and 10
            then lpad({{ digits_only(column) }}, 10, '0')
        when length({{ digits_only(column) }}) = 9
            then lpad({{ digits_only(column) }}, 10, '0')
        when length({{ digits_only(column) }}) in (8, 10)
            then {{ digits_only(column) }}
    end
{%- endmacro %}
