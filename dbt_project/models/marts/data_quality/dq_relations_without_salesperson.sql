-- Relations no salesperson owns: they appear in no portfolio and no visit plan.
with

kinds as (

    select * from {{ ref('relation_kinds') }}

),

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

final as (

    select
        kinds.relation_id,
        kinds.relation_name,
        kinds.relation_kind,
        kinds.revenue_12m,
        kinds.account_manager_id,
        case
            when kinds.account_manager_id is null then 'no account manager'
            else 'account manager unknown in crm/salespeople'
        end as reason
    from kinds
    left join salespeople
        on kinds.account_manager_id = salespeople.salesperson_id
    where salespeople.salesperson_id is null

)

select * from final
