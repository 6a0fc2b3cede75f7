plan-update-title = Update actions
plan-update-intro = Change the status, percent, resources used or narrative of any number of actions and save them all at once. Each changed row becomes a new progress update dated today; rows you do not change are left as they are.
plan-update-organisation = Organisation
plan-update-choose-organisation = Choose an organisation
plan-update-show = Show actions
plan-update-nothing-changed = Nothing was changed, so nothing was saved.
plan-update-saved = { $count ->
    [one] One action was updated.
   *[other] { $count } actions were updated.
}
plan-update-not-saved = Nothing was saved
plan-update-fix-rows = Some rows have errors. Correct the marked fields and save again: everything you typed is still here.
plan-update-conflict = Someone else updated the marked actions after you opened this page. Their update is shown by each marked row; save again to record yours on top of it.
plan-update-row-conflict = Updated by someone else in the meantime.
plan-update-saved-values = Now saved: { $status }, { $percent } %.
plan-update-error-archived = The plan of an action is archived: its actions can no longer be updated.
plan-update-error-number = Give a number, for example 1250,50.
plan-update-stale-count = { $count ->
    [one] One action has had no update for over { $days } days. It is listed first.
   *[other] { $count } actions have had no update for over { $days } days. They are listed first.
}
plan-update-stale = No update for over { $days } days
plan-update-caption = The organisation's actions and their latest progress
plan-update-action = Action
plan-update-status = Status
plan-update-percent = Percent done
plan-update-euros_used = Euros used
plan-update-days_used = Working days used
plan-update-euros = Euros used
plan-update-days = Working days used
plan-update-narrative = What has been done
plan-update-last-report = Last update
plan-update-no-reports = No updates yet
plan-update-hint = Amounts are the totals used so far. Use a decimal comma or point.
plan-update-save = Save all changes
plan-update-no-actions = The organisation leads or shares no action of a current plan.
plan-update-status-not_started = Not started
plan-update-status-on_track = On track
plan-update-status-delayed = Delayed
plan-update-status-done = Done
plan-update-status-cancelled = Cancelled
plan-update-decision-title = Make the decision an action
plan-update-decision-intro = The action is added to the plan's goal you choose, and it remembers this decision. Check the prefilled values.
plan-update-decision-create = Create the action
plan-update-decision-make = Make this an action
plan-update-decision-action-link = Its action in the plan
plan-update-decision-number = decision { $number }
plan-update-decision-has-action = This decision has already been made an action.
plan-update-decision-in-use = The decision was not deleted because a plan action was made from it.
plan-update-choose-goal = Choose a goal
plan-update-no-goals = No current plan has goals yet, so the decision cannot be made an action.
plan-update-field-goal_id = Plan and goal
plan-update-field-title = Title of the action
plan-update-field-lead_organisation_id = Lead organisation
plan-update-field-start_date = Start date
plan-update-field-end_date = End date
plan-update-field-description = Description
plan-update-field-organisations = Responsible organisations
plan-update-field-municipalities = Municipalities
plan-update-field-themes = Themes
plan-update-field-planned_euros = Planned euros
plan-update-field-planned_days = Planned working days
