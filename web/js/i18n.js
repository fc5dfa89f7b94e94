/* Texts and formats of the web UI. One table: every key has its Vietnamese text first and its
 * English text second, so a missing translation shows up beside its key. Error messages are
 * not here: the API sends them in both languages (message_vi, message_en) and the page picks
 * one. Numbers and times are formatted in the chosen language; times in the province's time
 * zone (set once the user's province is known). */

const T = {
  app_title: ["Đánh giá chất lượng hoạt động cơ quan, đơn vị", "Performance assessment of provincial agencies"],
  lang_toggle: ["English", "Tiếng Việt"],
  skip: ["Bỏ qua, đến nội dung chính", "Skip to main content"],
  intro: ["Hệ thống xác định chất lượng hoạt động của các cơ quan, đơn vị cấp tỉnh gắn với cải cách hành chính và trách nhiệm người đứng đầu.",
    "Assessment of the performance of provincial agencies, tied to administrative reform and the accountability of their heads."],
  login_title: ["Đăng nhập", "Sign in"],
  login_name: ["Tên đăng nhập", "User name"],
  password: ["Mật khẩu", "Password"],
  login_button: ["Đăng nhập", "Sign in"],
  logout: ["Đăng xuất", "Sign out"],
  signed_in_as: ["Người dùng", "Signed in as"],
  period: ["Kỳ đánh giá", "Period"],
  no_period: ["Chưa có kỳ đánh giá nào.", "There is no period yet."],
  nav_label: ["Chức năng", "Menu"],
  public_results: ["Kết quả công bố", "Published results"],
  loading: ["Đang tải…", "Loading…"],
  not_found_view: ["Không có trang này, hoặc vai trò của bạn không được mở trang này.", "There is no such page, or your role may not open it."],
  network_error: ["Không kết nối được máy chủ.", "Cannot reach the server."],
  session_expired: ["Phiên làm việc đã hết; hãy đăng nhập lại.", "Your session has ended; please sign in again."],
  unsaved_leave: ["Có thay đổi chưa lưu. Rời trang này và bỏ các thay đổi?", "There are unsaved changes. Leave this page and discard them?"],
  yes: ["Đồng ý", "Yes"],
  cancel: ["Huỷ", "Cancel"],
  close: ["Đóng", "Close"],
  save: ["Lưu", "Save"],
  saved_ok: ["Đã lưu.", "Saved."],
  create: ["Tạo mới", "Create"],
  edit: ["Sửa", "Edit"],
  open: ["Mở", "Open"],
  add: ["Thêm", "Add"],
  remove: ["Xoá", "Remove"],
  back: ["Quay lại", "Back"],
  actions: ["Thao tác", "Actions"],
  none: ["Không có.", "None."],
  all: ["Tất cả", "All"],
  choose: ["— chọn —", "— choose —"],
  download: ["Tải về", "Download"],
  upload: ["Tải lên", "Upload"],
  import_csv: ["Nhập từ CSV", "Import CSV"],
  csv_file: ["Tệp CSV", "CSV file"],
  csv_text: ["Hoặc dán nội dung CSV", "Or paste the CSV text"],
  import_button: ["Nhập", "Import"],
  line: ["Dòng", "Line"],
  print: ["In", "Print"],
  yes_no_true: ["Có", "Yes"],
  yes_no_false: ["Không", "No"],

  /* roles, as the server names them */
  roles: [{
    sysadmin: "Quản trị hệ thống", province_admin: "Quản trị của tỉnh", agency_editor: "Cán bộ nhập liệu của cơ quan",
    agency_head: "Thủ trưởng cơ quan", appraiser: "Thành viên Hội đồng thẩm định", specialist: "Cơ quan chuyên môn",
    leader: "Lãnh đạo UBND tỉnh", surveyor: "Đơn vị điều tra xã hội học", viewer: "Người xem",
  }, {
    sysadmin: "System administrator", province_admin: "Province administrator", agency_editor: "Agency editor",
    agency_head: "Agency head", appraiser: "Appraisal council member", specialist: "Specialist agency",
    leader: "Provincial leader", surveyor: "Survey unit", viewer: "Viewer",
  }],

  /* menu */
  nav_home: ["Việc cần làm", "To do"],
  nav_provinces: ["Tỉnh", "Provinces"],
  nav_agencies: ["Cơ quan, đơn vị", "Agencies"],
  nav_users: ["Người dùng", "Users"],
  nav_index_sets: ["Bộ chỉ số", "Index sets"],
  nav_periods: ["Kỳ và lịch", "Periods and schedule"],
  nav_council: ["Hội đồng thẩm định", "Appraisal council"],
  nav_leaders: ["Phân công lãnh đạo", "Leader assignments"],
  nav_audit: ["Nhật ký", "Audit trail"],
  nav_notifications: ["Thông báo", "Notifications"],
  notifications_title: ["Thông báo nhắc việc", "Reminders"],
  notifications_unread: ["Chưa đọc: {n}", "Unread: {n}"],
  notifications_none: ["Chưa có thông báo nào.", "No notifications yet."],
  notification_meta: ["Giai đoạn: {phase} · đóng lúc {closes} · gửi lúc {made}", "Phase: {phase} · closes {closes} · sent {made}"],
  mark_read: ["Đánh dấu đã đọc", "Mark as read"],
  read_at: ["Đã đọc lúc {at}", "Read {at}"],
  bell_label: ["Thông báo: {n} chưa đọc", "Notifications: {n} unread"],
  my_email: ["Thư điện tử nhận nhắc việc", "E-mail for reminders"],
  my_email_hint: ["Để trống nếu không muốn nhận thư.", "Leave empty to receive no e-mail."],
  email: ["Thư điện tử", "E-mail"],
  email_saved: ["Đã lưu địa chỉ thư điện tử.", "E-mail address saved."],
  nav_results: ["Kết quả", "Results"],
  nav_self: ["Tự đánh giá", "Self-assessment"],
  nav_scorecard: ["Phiếu điểm", "Scorecard"],
  nav_appraise: ["Thẩm định", "Appraisal"],
  nav_opinions: ["Xin ý kiến", "Opinion requests"],
  nav_leader: ["Lãnh đạo chấm điểm", "Leadership scores"],
  nav_surveys: ["Điều tra xã hội học", "Surveys"],

  /* phases: the server's names (cs_phase.c) */
  phases: [{
    self_assessment: "Tự đánh giá", appraisal_1: "Thẩm định vòng 1", explanation: "Giải trình",
    appraisal_2: "Thẩm định vòng 2", leadership: "Lãnh đạo chấm điểm", survey: "Điều tra xã hội học",
    publication: "Công bố kết quả", appeal: "Phúc tra, kiến nghị",
  }, {
    self_assessment: "Self-assessment", appraisal_1: "Appraisal, round 1", explanation: "Explanation",
    appraisal_2: "Appraisal, round 2", leadership: "Leadership scoring", survey: "Survey",
    publication: "Publication", appeal: "Appeal",
  }],
  phase: ["Giai đoạn", "Phase"],
  opens_at: ["Mở từ", "Opens"],
  closes_at: ["Đóng lúc", "Closes"],
  open_now: ["Đang mở", "Open now"],
  upcoming: ["Sắp mở", "Upcoming"],
  closed: ["Đã đóng", "Closed"],
  not_scheduled: ["Chưa lập lịch", "Not scheduled"],
  status: ["Trạng thái", "Status"],
  time_zone_note: ["Giờ theo múi giờ của tỉnh ({tz}).", "Times in the province's time zone ({tz})."],

  contents: [{
    1: "Kết quả thực hiện nhiệm vụ theo chức năng",
    2: "Kết quả thực hiện CCHC và xây dựng cơ quan hoạt động hiệu lực, hiệu năng, hiệu quả",
    3: "Điểm đánh giá thông qua điều tra, khảo sát",
    4: "Điểm đánh giá của Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    5: "Điểm cộng", 6: "Điểm trừ",
  }, {
    1: "Results of the agency's own tasks",
    2: "Administrative reform and an effective, efficient agency",
    3: "Survey results", 4: "Scores of the province's chairman and vice-chairmen",
    5: "Bonus points", 6: "Deductions",
  }],
  content: ["Nội dung {n}", "Content {n}"],
  content_max: ["tối đa {m} điểm", "at most {m} points"],

  /* dashboard */
  home_title: ["Việc cần làm", "What to do now"],
  home_hello: ["Xin chào, {name} ({roles}).", "Hello, {name} ({roles})."],
  schedule: ["Lịch các giai đoạn", "Schedule of the phases"],
  task_self: ["Nhập điểm tự đánh giá, đính kèm tài liệu kiểm chứng, rồi thủ trưởng nộp trước {t}.", "Enter the self scores, attach the evidence, then the head submits before {t}."],
  task_self_done: ["Bản tự đánh giá đã nộp lúc {t}.", "The self-assessment was submitted at {t}."],
  task_explain: ["Giải trình các chỉ số bị hạ điểm ở vòng 1 trước {t}.", "Explain the leaves lowered in round 1 before {t}."],
  task_appraise: ["Thẩm định các cơ quan trong phạm vi được giao ({phase}) trước {t}.", "Appraise the agencies in your scope ({phase}) before {t}."],
  task_opinions: ["{n} yêu cầu xin ý kiến chưa trả lời.", "{n} opinion requests are waiting for an answer."],
  task_leader: ["Chấm điểm nội dung 4 cho các cơ quan được phân công trước {t}.", "Score content 4 of your assigned agencies before {t}."],
  task_survey: ["Tổ chức khảo sát, nhập phiếu và tính điểm trước {t}.", "Run the surveys, import responses and compute points before {t}."],
  task_admin: ["Chuẩn bị kỳ đánh giá: cơ quan, người dùng, bộ chỉ số, lịch, hội đồng; sau đó tính điểm.", "Prepare the period: agencies, users, index sets, schedule, council; then compute."],
  task_nothing: ["Hiện không có giai đoạn nào đang mở cho vai trò của bạn.", "No phase is open for your role now."],
  go_to: ["Đi tới: {what}", "Go to: {what}"],
  progress_self: ["{done}/{total} chỉ số đã chấm; {missing} thiếu tài liệu kiểm chứng", "{done}/{total} leaves scored; {missing} missing evidence"],

  /* self-assessment */
  self_title: ["Tự đánh giá", "Self-assessment"],
  self_of: ["{agency} — kỳ {period}", "{agency} — period {period}"],
  state: ["Trạng thái", "State"],
  state_draft: ["Đang soạn", "Draft"],
  state_submitted: ["Đã nộp lúc {t}", "Submitted at {t}"],
  phase_closed_note: ["Chỉ xem: giai đoạn tự đánh giá {state} ({from} – {to}).", "Read only: the self-assessment phase is {state} ({from} – {to})."],
  phase_state_upcoming: ["chưa mở", "not open yet"],
  phase_state_closed: ["đã đóng", "closed"],
  phase_none_note: ["Chỉ xem: kỳ này chưa có lịch tự đánh giá.", "Read only: this period has no self-assessment schedule."],
  submitted_note: ["Chỉ xem: bản tự đánh giá đã nộp. Thủ trưởng có thể rút lại trước khi hết hạn.", "Read only: the self-assessment is submitted. The head may withdraw it before the deadline."],
  leaf: ["Chỉ số", "Leaf"],
  name: ["Tên", "Name"],
  code: ["Mã", "Code"],
  max_points: ["Điểm tối đa", "Maximum"],
  score: ["Điểm tự chấm", "Self score"],
  note: ["Ghi chú", "Note"],
  guidance: ["Hướng dẫn chấm", "Scoring guidance"],
  step_hint: ["bước {s}", "step {s}"],
  score_of: ["Điểm tự chấm chỉ số {code}", "Self score of leaf {code}"],
  note_of: ["Ghi chú chỉ số {code}", "Note on leaf {code}"],
  not_applicable: ["Không áp dụng", "Not applicable"],
  not_self_scored: ["Không do cơ quan tự chấm", "Not scored by the agency"],
  evidence: ["Tài liệu kiểm chứng", "Evidence"],
  evidence_required: ["Bắt buộc có tài liệu kiểm chứng", "Evidence required"],
  evidence_missing: ["Thiếu tài liệu kiểm chứng", "Evidence missing"],
  preview_named: ["Xem trước: {name}", "Preview: {name}"],
  evidence_none: ["Chưa có tài liệu.", "No evidence yet."],
  evidence_file_of: ["Tệp kiểm chứng cho chỉ số {code}", "Evidence file for leaf {code}"],
  evidence_uploaded: ["Đã tải lên «{name}».", "Uploaded \"{name}\"."],
  remove_named: ["Xoá {name}", "Remove {name}"],
  remove_confirm: ["Xoá tài liệu «{name}»?", "Remove \"{name}\"?"],
  evidence_removed: ["Đã xoá «{name}».", "\"{name}\" removed."],
  supplementary: ["bổ sung khi giải trình", "added during explanation"],
  doc_ref: ["Văn bản", "Document"],
  doc_add: ["Thêm văn bản", "Add a document"],
  doc_number: ["Số hiệu văn bản", "Document number"],
  doc_date: ["Ngày ban hành", "Date issued"],
  doc_issuer: ["Cơ quan ban hành", "Issuer"],
  doc_title: ["Trích yếu", "Title"],
  doc_added: ["Đã thêm văn bản {number}.", "Document {number} added."],
  na_propose: ["Đề xuất không áp dụng", "Propose not applicable"],
  na_reason: ["Lý do đề xuất không áp dụng chỉ số {code}", "Reason why leaf {code} does not apply"],
  na_proposed: ["Đã đề xuất không áp dụng: {reason}", "Proposed as not applicable: {reason}"],
  details: ["Chi tiết, tài liệu", "Details, evidence"],
  nothing_changed: ["Không có thay đổi nào để lưu.", "Nothing changed."],
  saved: ["Đã lưu {n} chỉ số.", "Saved {n} leaves."],
  unsaved_count: ["{n} chỉ số đã sửa, chưa lưu.", "{n} leaves changed, not saved."],
  submit: ["Nộp", "Submit"],
  withdraw: ["Rút lại", "Withdraw"],
  submitted_ok: ["Đã nộp bản tự đánh giá.", "The self-assessment was submitted."],
  withdrawn_ok: ["Đã rút lại bản tự đánh giá.", "The self-assessment was withdrawn."],
  confirm_submit: ["Nộp bản tự đánh giá?", "Submit the self-assessment?"],
  confirm_submit_body: ["Sau khi nộp, bản tự đánh giá bị khoá; thủ trưởng có thể rút lại trước hạn.", "Once submitted the self-assessment is locked; the head may withdraw it before the deadline."],
  missing_list: ["Còn thiếu:", "Still missing:"],
  missing_score: ["{code}: chưa chấm điểm", "{code}: no score"],
  missing_evidence: ["{code}: chưa có tài liệu kiểm chứng", "{code}: no evidence"],
  nothing_missing: ["Đã chấm đủ các chỉ số và có đủ tài liệu bắt buộc.", "Every leaf is scored and has the required evidence."],
  bad_number: ["Điểm phải là một số (ví dụ 12,5).", "The score must be a number (e.g. 12.5)."],
  fix_errors: ["Chưa lưu: hãy sửa các lỗi được đánh dấu.", "Not saved: fix the marked errors."],
  unsaved: ["Có chỉ số đã sửa nhưng chưa lưu: hãy bấm “Lưu” trước khi nộp.", "Some leaves are changed but not saved: press \"Save\" before submitting."],
  no_agency: ["Tài khoản chưa gắn với cơ quan, đơn vị nào.", "This account is not attached to an agency."],
  explanations: ["Giải trình các chỉ số bị hạ điểm", "Explanation of lowered leaves"],
  explain_intro: ["Các chỉ số có điểm thẩm định vòng 1 thấp hơn điểm tự chấm. Có thể giải trình và bổ sung tài liệu trong giai đoạn giải trình.", "Leaves whose round-1 score is below the self score. Explain them and add evidence during the explanation phase."],
  explanation_of: ["Giải trình chỉ số {code}", "Explanation of leaf {code}"],
  explanation_saved: ["Đã lưu giải trình chỉ số {code}.", "Explanation of leaf {code} saved."],
  no_lowered: ["Không có chỉ số nào bị hạ điểm.", "No leaf was lowered."],
  round1_comment: ["Nhận xét vòng 1", "Round-1 comment"],

  /* appraisal */
  appraise_title: ["Thẩm định", "Appraisal"],
  appraise_pick: ["Chọn cơ quan trong phạm vi thẩm định của bạn.", "Choose an agency in your appraisal scope."],
  my_scopes: ["Phạm vi: {scopes}", "Scope: {scopes}"],
  no_scope: ["Bạn chưa được giao phạm vi thẩm định trong kỳ này.", "You have no appraisal scope in this period."],
  scope_item: ["chỉ số {prefix}* nhóm {group}", "leaves {prefix}* of group {group}"],
  self_short: ["Tự chấm", "Self"],
  round1: ["Vòng 1", "Round 1"],
  round2: ["Vòng 2", "Round 2"],
  round_n: ["Thẩm định vòng {n}", "Appraisal round {n}"],
  round_score_of: ["Điểm vòng {n} chỉ số {code}", "Round {n} score of leaf {code}"],
  round_comment_of: ["Nhận xét vòng {n} chỉ số {code}", "Round {n} comment on leaf {code}"],
  save_round: ["Lưu vòng {n}", "Save round {n}"],
  appraised: ["{done}/{total} chỉ số đã thẩm định vòng {n}", "{done}/{total} leaves appraised in round {n}"],
  na_decide: ["Quyết định không áp dụng", "Decide not applicable"],
  na_decide_of: ["Không áp dụng chỉ số {code}", "Leaf {code} not applicable"],
  na_decision_reason: ["Lý do quyết định chỉ số {code}", "Reason of the decision on leaf {code}"],
  na_decided: ["Đã ghi quyết định về chỉ số {code}.", "Decision on leaf {code} recorded."],
  na_proposal_by_agency: ["Cơ quan đề xuất không áp dụng: {reason}", "The agency proposes not applicable: {reason}"],
  opinion_ask: ["Xin ý kiến cơ quan chuyên môn", "Ask a specialist agency"],
  opinion_agency: ["Cơ quan chuyên môn cho chỉ số {code}", "Specialist agency for leaf {code}"],
  opinion_question: ["Nội dung xin ý kiến về chỉ số {code}", "Question on leaf {code}"],
  opinion_sent: ["Đã gửi yêu cầu xin ý kiến.", "The opinion request was sent."],
  opinions: ["Ý kiến chuyên môn", "Specialist opinions"],
  answer: ["Trả lời", "Answer"],
  answer_of: ["Trả lời yêu cầu số {id}", "Answer to request {id}"],
  answered: ["Đã trả lời lúc {t}", "Answered at {t}"],
  waiting: ["Chờ trả lời", "Waiting"],
  opinions_title: ["Yêu cầu xin ý kiến", "Opinion requests"],
  asked_at: ["Gửi lúc", "Asked at"],
  question: ["Nội dung", "Question"],
  answer_saved: ["Đã gửi câu trả lời.", "The answer was sent."],
  answer_saved_files: ["Đã gửi câu trả lời cùng {n} tệp đính kèm.", "The answer was sent with {n} attached files."],
  opinion_files: ["Tệp đính kèm câu trả lời", "Files attached to the answer"],
  opinion_files_of: ["Tệp đính kèm cho yêu cầu số {id}", "Files for request {id}"],
  opinion_files_hint: ["PDF, Word, Excel, ODT/ODS, ảnh JPEG/PNG; chọn được nhiều tệp, bỏ tệp chọn nhầm trước khi gửi.", "PDF, Word, Excel, ODT/ODS, JPEG/PNG images; several files at once, drop a wrong one before sending."],
  opinion_files_add: ["Đính kèm thêm tệp", "Attach more files"],
  opinion_files_send: ["Gửi tệp", "Send the files"],
  opinion_files_sent: ["Đã đính kèm {n} tệp.", "{n} files attached."],
  file_unpick: ["Bỏ", "Drop"],
  file_unpick_named: ["Bỏ tệp {name}", "Drop file {name}"],
  explanation: ["Giải trình", "Explanation"],

  /* leader */
  leader_title: ["Lãnh đạo chấm điểm (nội dung 4)", "Leadership scores (content 4)"],
  leader_pick: ["Chọn cơ quan được phân công.", "Choose an assigned agency."],
  leader_score_of: ["Điểm của bạn cho chỉ số {code}", "Your score for leaf {code}"],
  mean: ["Trung bình", "Mean"],
  scored_by: ["Đã chấm", "Scored by"],
  disciplined_heads: ["Người đứng đầu bị kỷ luật trong năm", "Heads disciplined this year"],
  ties_title: ["Đồng hạng chờ quyết định", "Ties awaiting a decision"],
  ties_none: ["Không có đồng hạng nào chờ quyết định.", "No tie is waiting for a decision."],
  tie_reason: ["Lý do sắp xếp thứ tự nhóm {group}", "Reason for the order in group {group}"],
  tie_save: ["Ghi thứ tự", "Record the order"],
  tie_saved: ["Đã ghi thứ tự của nhóm {group}; hãy tính điểm lại.", "Order of group {group} recorded; compute again."],
  move_up: ["Lên trên: {name}", "Move up: {name}"],
  tie_drag_hint: ["Kéo thả các dòng để sắp thứ tự, hoặc dùng nút ↑/↓.", "Drag the rows into order, or use the ↑/↓ buttons."],
  move_down: ["Xuống dưới: {name}", "Move down: {name}"],
  assigned_agencies: ["Cơ quan được phân công", "Assigned agencies"],

  /* surveys */
  surveys_title: ["Điều tra xã hội học", "Surveys"],
  questionnaires: ["Phiếu khảo sát", "Questionnaires"],
  q_new: ["Tạo phiếu khảo sát", "New questionnaire"],
  q_title: ["Tiêu đề", "Title"],
  q_group: ["Nhóm đối tượng", "Respondent group"],
  q_method: ["Cách tính", "Method"],
  q_min: ["Số phiếu tối thiểu mỗi cơ quan", "Minimum responses per agency"],
  q_quota: ["Số phiếu tối đa mỗi cơ quan (0: không giới hạn)", "Most responses per agency (0: no limit)"],
  q_questions: ["Câu hỏi (mỗi dòng: mã chỉ số | nội dung câu hỏi)", "Questions (one a line: leaf code | question text)"],
  q_created: ["Đã tạo phiếu {code}.", "Questionnaire {code} created."],
  q_count: ["{n} câu hỏi", "{n} questions"],
  groups_resp: [{ hdnd_province: "Đại biểu HĐND tỉnh", hdnd_commune: "Đại biểu HĐND cấp xã", business: "Doanh nghiệp", citizen: "Người dân" },
    { hdnd_province: "Provincial council deputies", hdnd_commune: "Commune council deputies", business: "Businesses", citizen: "Citizens" }],
  methods: [{ mean: "Điểm trung bình", share: "Tỷ lệ hài lòng" }, { mean: "Mean score", share: "Share satisfied" }],
  invitations: ["Thư mời khảo sát", "Invitations"],
  inv_count: ["Số thư mời", "Number of invitations"],
  inv_create: ["Tạo thư mời", "Create invitations"],
  inv_created: ["Đã tạo {n} thư mời cho {agency}. Các đường dẫn chỉ hiện một lần: hãy in hoặc lưu lại.", "{n} invitations created for {agency}. The links are shown once: print or keep them."],
  inv_sheet: ["Phiếu mời khảo sát — {agency}", "Survey invitations — {agency}"],
  inv_card: ["Thư mời {i}/{n}", "Invitation {i} of {n}"],
  inv_qr_alt: ["Mã QR của thư mời {i}", "QR code of invitation {i}"],
  inv_how: ["Quét mã QR bằng điện thoại, hoặc gõ đường dẫn dưới đây. Mỗi thư mời chỉ trả lời được một lần.",
    "Scan the QR code with a phone, or type the link below. Each invitation can be answered once."],
  questionnaire: ["Phiếu khảo sát", "Questionnaire"],
  agency: ["Cơ quan, đơn vị", "Agency"],
  responses_import: ["Nhập phiếu trả lời thu thập bên ngoài (CSV: mã cơ quan, q1, …, qN)", "Import responses collected elsewhere (CSV: agency code, q1, …, qN)"],
  responses_imported: ["Đã nhập {n} phiếu trả lời.", "{n} responses imported."],
  points: ["Điểm khảo sát (nội dung 3)", "Survey points (content 3)"],
  compute_points: ["Tính điểm khảo sát", "Compute survey points"],
  points_computed: ["Đã tính {n} giá trị; {f} cơ quan chưa đủ số phiếu tối thiểu.", "{n} values computed; {f} agencies below the minimum of responses."],
  points_value: ["Điểm", "Points"],
  batches: ["Các lần nhập", "Imports"],

  /* public survey */
  survey_title: ["Phiếu khảo sát sự hài lòng", "Satisfaction survey"],
  survey_about: ["Về {agency} · {group}", "About {agency} · {group}"],
  survey_help: ["Chọn một mức cho mỗi câu: 1 = rất không hài lòng, 5 = rất hài lòng. Phiếu không ghi tên người trả lời.", "Choose one level per question: 1 = very dissatisfied, 5 = very satisfied. The answers are anonymous."],
  likert: [{ 1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng", 5: "Rất hài lòng" },
    { 1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neutral", 4: "Satisfied", 5: "Very satisfied" }],
  survey_send: ["Gửi phiếu", "Send"],
  survey_missing: ["Hãy trả lời tất cả các câu ({n} câu chưa trả lời).", "Please answer every question ({n} unanswered)."],
  survey_thanks: ["Cảm ơn bạn đã trả lời phiếu khảo sát!", "Thank you for answering the survey!"],
  survey_thanks_body: ["Câu trả lời đã được ghi nhận. Bạn có thể đóng trang này.", "Your answers were recorded. You may close this page."],
  survey_used: ["Đường dẫn này đã được sử dụng.", "This link has already been used."],
  survey_used_body: ["Mỗi thư mời chỉ trả lời được một lần. Cảm ơn bạn.", "Each invitation can be answered once. Thank you."],
  survey_no_token: ["Đường dẫn khảo sát không đầy đủ.", "The survey link is incomplete."],

  /* results and scorecard */
  results_title: ["Kết quả xếp hạng", "Ranking results"],
  compute: ["Tính điểm", "Compute"],
  computing: ["Đang tính điểm…", "Computing…"],
  computed_at: ["Tính lúc {t}", "Computed at {t}"],
  not_computed: ["Chưa có kết quả: bấm “Tính điểm”.", "No results yet: press \"Compute\"."],
  no_results: ["Chưa có kết quả cho kỳ này.", "No results for this period yet."],
  rank: ["Hạng", "Rank"],
  total: ["T (tổng điểm)", "T (total)"],
  max: ["M (tối đa)", "M (maximum)"],
  quality: ["Q %", "Q %"],
  cchc: ["R % (CCHC)", "R % (reform)"],
  band: ["Xếp loại", "Band"],
  cchc_band: ["Xếp loại CCHC", "Reform band"],
  tie_pending: ["đồng hạng, chờ lãnh đạo quyết định thứ tự", "tied, awaiting the leaders' order"],
  tie_resolved: ["thứ tự do lãnh đạo quyết định", "order decided by the leaders"],
  disciplined: ["có kỷ luật", "disciplined"],
  good_or_better: ["Số cơ quan đạt loại tốt trở lên: {g}; chỉ tiêu xuất sắc: {q}", "Agencies good or better: {g}; excellent quota: {q}"],
  blocked: ["Chưa công bố được: còn đồng hạng chờ quyết định.", "Cannot be published yet: a tie awaits a decision."],
  group: ["Nhóm", "Group"],
  group_of: ["Nhóm {code} — {name}", "Group {code} — {name}"],
  scorecard_title: ["Phiếu điểm", "Scorecard"],
  self: ["Tự chấm", "Self"],
  survey: ["Khảo sát", "Survey"],
  leaders: ["Lãnh đạo", "Leaders"],
  effective: ["Điểm tính", "Counted"],
  shortcomings: ["Những chỉ số bị trừ điểm", "Leaves that lost points"],
  lost: ["Bị trừ", "Lost"],
  comment: ["Nhận xét", "Comment"],
  no_shortcomings: ["Không có chỉ số nào bị trừ điểm.", "No leaf lost points."],
  view_scorecard: ["Xem phiếu điểm của {name}", "Open the scorecard of {name}"],
  result_summary: ["Hạng {rank} trong nhóm {group}; T = {t} / M = {m}; Q = {q} %; R = {r} %", "Rank {rank} in group {group}; T = {t} / M = {m}; Q = {q} %; R = {r} %"],
  bands: [{ excellent: "Hoàn thành xuất sắc nhiệm vụ", good: "Hoàn thành tốt nhiệm vụ", complete: "Hoàn thành nhiệm vụ", not_complete: "Không hoàn thành nhiệm vụ" },
    { excellent: "Excellent", good: "Good", complete: "Complete", not_complete: "Not complete" }],
  cchc_bands: [{ tot: "Tốt", kha: "Khá", trung_binh: "Trung bình", yeu: "Yếu" }, { tot: "Good", kha: "Fair", trung_binh: "Average", yeu: "Weak" }],

  /* administration */
  provinces_title: ["Các tỉnh", "Provinces"],
  agencies_title: ["Cơ quan, đơn vị của tỉnh", "Agencies of the province"],
  agencies_count: ["{n} cơ quan, đơn vị", "{n} agencies"],
  agency_new: ["Thêm cơ quan, đơn vị", "Add an agency"],
  agency_created: ["Đã thêm {name}.", "{name} added."],
  agency_saved: ["Đã lưu {name}.", "{name} saved."],
  active: ["Đang hoạt động", "Active"],
  inactive: ["Ngừng hoạt động", "Inactive"],
  deactivate: ["Ngừng hoạt động", "Deactivate"],
  activate: ["Hoạt động lại", "Reactivate"],
  agencies_imported: ["Đã nhập: {c} thêm mới, {u} cập nhật.", "Imported: {c} created, {u} updated."],
  csv_agencies_help: ["Mỗi dòng: nhóm,mã,tên (dòng đầu là tiêu đề group,code,name). Nhập tất cả hoặc không dòng nào.", "One line each: group,code,name (first line the header group,code,name). All lines or none."],
  people: ["Lãnh đạo cơ quan", "Heads and deputies"],
  person_name: ["Họ và tên", "Full name"],
  position: ["Chức vụ", "Position"],
  positions: [{ head: "Người đứng đầu", deputy: "Cấp phó" }, { head: "Head", deputy: "Deputy" }],
  from_date: ["Từ ngày", "From"],
  to_date: ["Đến ngày", "To"],
  person_added: ["Đã thêm {name}.", "{name} added."],
  discipline: ["Kỷ luật", "Discipline"],
  discipline_of: ["Kỷ luật của {name}", "Discipline of {name}"],
  decided_on: ["Ngày quyết định", "Decided on"],
  form: ["Hình thức", "Form"],
  decision_no: ["Số quyết định", "Decision no."],
  discipline_added: ["Đã ghi quyết định kỷ luật.", "Discipline decision recorded."],
  users_title: ["Người dùng", "Users"],
  user_new: ["Thêm người dùng", "Add a user"],
  full_name: ["Họ và tên", "Full name"],
  roles_label: ["Vai trò", "Roles"],
  new_password: ["Mật khẩu mới", "New password"],
  reset_password: ["Đặt lại mật khẩu", "Reset password"],
  user_created: ["Đã thêm người dùng {login}.", "User {login} added."],
  user_saved: ["Đã lưu người dùng {login}.", "User {login} saved."],
  support_title: ["Quyền hỗ trợ của quản trị hệ thống", "Support access for the sysadmin"],
  support_help: ["Quản trị hệ thống không xem, không sửa dữ liệu của tỉnh nếu tỉnh không cấp quyền hỗ trợ. Quyền có thời hạn (tối đa 7 ngày), có thể thu hồi bất cứ lúc nào; mọi thao tác khi hỗ trợ đều ghi vào nhật ký của tỉnh (support:<tên đăng nhập>).",
    "The sysadmin neither reads nor changes the province's data unless the province grants support access. It is time-limited (at most 7 days) and can be revoked at any time; everything done under it is in the province's audit trail (support:<login>)."],
  support_grant: ["Cấp quyền hỗ trợ", "Grant support access"],
  support_hours: ["Thời hạn (giờ, 1–168)", "For (hours, 1–168)"],
  support_by: ["Người cấp", "Granted by"],
  support_until: ["Hết hạn", "Expires"],
  support_live: ["Đang hiệu lực", "Live"],
  support_expired: ["Đã hết hạn", "Expired"],
  support_revoked: ["Đã thu hồi ({who})", "Revoked ({who})"],
  support_revoke: ["Thu hồi", "Revoke"],
  support_granted: ["Đã cấp quyền hỗ trợ.", "Support access granted."],
  support_revoked_flash: ["Đã thu hồi quyền hỗ trợ.", "Support access revoked."],
  no_agency_opt: ["(không gắn cơ quan)", "(no agency)"],
  index_sets_title: ["Bộ chỉ số", "Index sets"],
  year: ["Năm", "Year"],
  frozen: ["Đã dùng (khoá)", "In use (frozen)"],
  editable: ["Còn sửa được", "Editable"],
  export_json: ["Xuất JSON", "Export JSON"],
  export_csv: ["Xuất CSV", "Export CSV"],
  import_json: ["Nhập bộ chỉ số (JSON)", "Import an index set (JSON)"],
  json_file: ["Tệp JSON", "JSON file"],
  set_imported: ["Đã nhập bộ chỉ số {code}.", "Index set {code} imported."],
  copy_set: ["Sao chép thành bộ mới", "Copy as a new set"],
  new_code: ["Mã mới", "New code"],
  set_copied: ["Đã sao chép thành {code}.", "Copied as {code}."],
  auto_source: ["tự động: {s}", "automatic: {s}"],
  tree: ["Cây chỉ số", "Index tree"],
  periods_title: ["Kỳ đánh giá và lịch", "Periods and schedule"],
  period_new: ["Tạo kỳ đánh giá", "New period"],
  period_created: ["Đã tạo kỳ {name}.", "Period {name} created."],
  period_sets: ["Bộ chỉ số áp dụng cho từng nhóm", "Index set of each group"],
  set_for_group: ["Bộ chỉ số cho nhóm {group}", "Index set for group {group}"],
  set_linked: ["Đã gán bộ chỉ số cho nhóm {group}.", "Index set set for group {group}."],
  schedule_editor: ["Lịch các giai đoạn của kỳ {name}", "Schedule of period {name}"],
  opens_of: ["Mở giai đoạn {phase}", "{phase} opens"],
  closes_of: ["Đóng giai đoạn {phase}", "{phase} closes"],
  phase_saved: ["Đã lưu lịch giai đoạn {phase}.", "Schedule of {phase} saved."],
  fill_default: ["Điền lịch mặc định (Quyết định 02050/QĐ-UBND)", "Fill the default schedule (Decision 02050/QĐ-UBND)"],
  fill_default_done: ["Đã điền lịch mặc định; bấm “Lưu” từng giai đoạn để ghi.", "Default schedule filled in; press \"Save\" on each phase to record it."],
  extensions: ["Gia hạn cho cơ quan", "Extensions for agencies"],
  extension_new: ["Gia hạn", "Grant an extension"],
  reason: ["Lý do", "Reason"],
  extension_granted: ["Đã gia hạn cho {agency}.", "Extension granted to {agency}."],
  reopen: ["Mở lại bản tự đánh giá", "Reopen a self-assessment"],
  reopened: ["Đã mở lại bản tự đánh giá của {agency}.", "Self-assessment of {agency} reopened."],
  council_title: ["Hội đồng thẩm định và phạm vi", "Appraisal council and scopes"],
  member: ["Thành viên", "Member"],
  scopes: ["Phạm vi", "Scopes"],
  scopes_help: ["Mỗi dòng: tiền tố mã chỉ số | mã nhóm (ví dụ: 2 | 01). Để trống để rút khỏi hội đồng.", "One a line: leaf-code prefix | group code (e.g. 2 | 01). Empty removes the member."],
  scopes_of: ["Phạm vi của {name}", "Scopes of {name}"],
  council_saved: ["Đã lưu phạm vi của {name}.", "Scopes of {name} saved."],
  leaders_title: ["Phân công lãnh đạo chấm điểm", "Leader assignments"],
  leader: ["Lãnh đạo", "Leader"],
  assign_saved: ["Đã lưu phân công của {name}.", "Assignment of {name} saved."],
  audit_title: ["Nhật ký thao tác", "Audit trail"],
  at: ["Thời điểm", "When"],
  user: ["Người dùng", "User"],
  entity: ["Đối tượng", "Entity"],
  action: ["Thao tác", "Action"],
  change: ["Thay đổi", "Change"],
  filter: ["Lọc", "Filter"],
  filter_user: ["Người dùng (tên đăng nhập)", "User (login)"],
  filter_from: ["Từ ngày", "From date"],
  filter_to: ["Đến ngày", "To date"],
  filter_entity: ["Loại đối tượng", "Entity type"],
  entries: ["{n} mục", "{n} entries"],
  bad_time: ["Hãy nhập đủ ngày và giờ.", "Enter both the date and the time."],
  bad_json: ["Tệp không phải JSON hợp lệ.", "The file is not valid JSON."],
  publication_title: ["Phê duyệt và công bố", "Approval and publication"],
  approved_by: ["Đã phê duyệt lúc {t}: {note}", "Approved at {t}: {note}"],
  not_approved: ["Kết quả tính gần nhất chưa được phê duyệt.", "The latest computation is not approved yet."],
  approve: ["Phê duyệt kết quả", "Approve the results"],
  approve_note: ["Ý kiến phê duyệt", "Approval note"],
  approved_ok: ["Đã phê duyệt kết quả.", "The results were approved."],
  publish: ["Công bố kết quả", "Publish the results"],
  publish_reason: ["Lý do (bắt buộc khi công bố lại hoặc xác nhận cơ quan thiếu dữ liệu)", "Reason (required to publish again or to confirm heads lacking data)"],
  publish_pending: ["Xác nhận công bố cả các cơ quan còn thiếu dữ liệu về người đứng đầu", "Confirm publishing heads whose data is pending"],
  published_ok: ["Đã công bố phiên bản {v}.", "Version {v} published."],
  version: ["Phiên bản", "Version"],
  published_at: ["Công bố lúc", "Published at"],
  na_title: ["Quyết định không áp dụng", "Not-applicable decisions"],

  /* the published version on the scorecard and the results (SPEC §12) */
  pub_version: ["Kết quả đã công bố: phiên bản {v}, công bố lúc {t}.", "Published results: version {v}, published at {t}."],
  pub_sha: ["Mã SHA-256 của phiên bản", "SHA-256 of the version"],
  pub_official: ["Hạng, xếp loại và tổng điểm dưới đây là của phiên bản {v} đã công bố.", "The rank, band and totals below are those of the published version {v}."],
  pub_versions: ["Các phiên bản", "Versions"],
  pub_version_link: ["Phiên bản {v} ({t})", "Version {v} ({t})"],
  pub_version_json: ["dữ liệu gốc", "raw data"],
  pub_differs_agency: ["Điểm từng chỉ số dưới đây là số liệu hiện hành, đã thay đổi sau khi công bố phiên bản {v} (ví dụ khiếu nại được chấp nhận). Kết quả chính thức vẫn là phiên bản {v} cho tới khi phiên bản mới được công bố.",
    "The leaf values below are the working data, changed since version {v} was published (an upheld appeal, for example). The official result stays version {v} until a new version is published."],
  pub_differs_admin: ["Kết quả hiện hành KHÁC với phiên bản {v} đã công bố.", "The working results DIFFER from the published version {v}."],
  pub_same_admin: ["Kết quả hiện hành trùng với phiên bản {v} đã công bố.", "The working results match the published version {v}."],
  result: ["Kết quả", "Result"],
  pub_working: ["Hiện hành (chưa công bố)", "Working (not published)"],
  pub_published: ["Đã công bố (phiên bản {v})", "Published (version {v})"],
  pub_group_title: ["Xếp hạng nhóm {code} đã công bố (phiên bản {v})", "Published ranking of group {code} (version {v})"],
  pub_differs_tag: ["khác bản công bố", "differs from published"],
  head_rating: ["Xếp loại người đứng đầu", "Head's rating"],
  head_ratings: [{ excellent: "Hoàn thành xuất sắc", good: "Hoàn thành tốt", complete: "Hoàn thành", not_complete: "Không hoàn thành", pending_data: "Chờ dữ liệu" },
    { excellent: "Excellent", good: "Good", complete: "Complete", not_complete: "Not complete", pending_data: "Pending data" }],

  /* appeals (khiếu nại) */
  task_appeal: ["Khiếu nại về kết quả đã công bố (nếu có) trước {t}: chọn chỉ số, ghi lý do, đính kèm tài liệu.", "Appeal against the published results (if need be) before {t}: choose the leaves, give reasons, attach files."],
  task_appeals: ["Xem và trả lời các khiếu nại trước {t}; khi trả lời đủ, công bố phiên bản mới.", "Read and answer the appeals before {t}; once all are answered, publish the next version."],
  nav_appeals: ["Khiếu nại", "Appeals"],
  appeals_title: ["Khiếu nại kết quả", "Appeals against the results"],
  appeal_window: ["Thời hạn khiếu nại: {from} – {to} ({state}).", "Appeal window: {from} – {to} ({state})."],
  appeal_not_published: ["Chưa có kết quả công bố: khiếu nại chỉ được gửi sau khi công bố.", "Nothing is published yet: appeals come after publication."],
  appeal_new: ["Gửi khiếu nại", "Lodge an appeal"],
  appeal_help: ["Chọn các chỉ số khiếu nại và ghi lý do cho từng chỉ số. Sau khi gửi, đính kèm tài liệu cho từng chỉ số.", "Choose the leaves you appeal and give a reason for each. Once lodged, attach files to each leaf."],
  appeal_leaf: ["Khiếu nại chỉ số {code}", "Appeal leaf {code}"],
  appeal_reason_of: ["Lý do khiếu nại chỉ số {code}", "Reason for appealing leaf {code}"],
  appeal_pending_leaf: ["đang chờ trả lời", "awaiting an answer"],
  appeal_none_chosen: ["Hãy chọn ít nhất một chỉ số.", "Choose at least one leaf."],
  appeal_lodge: ["Gửi khiếu nại", "Lodge the appeal"],
  appeal_lodged: ["Đã gửi khiếu nại về {n} chỉ số.", "Appeal lodged on {n} leaves."],
  appeal_closed: ["Ngoài thời hạn khiếu nại: chỉ xem.", "Outside the appeal window: read only."],
  appeal_head_only: ["Chỉ thủ trưởng cơ quan gửi khiếu nại.", "Only the agency's head lodges an appeal."],
  appeal_of: ["Khiếu nại gửi lúc {t} về phiên bản {v}", "Appeal lodged at {t} on version {v}"],
  appeal_of_agency: ["{agency}: khiếu nại gửi lúc {t} về phiên bản {v}", "{agency}: appeal lodged at {t} on version {v}"],
  appeals_none: ["Chưa có khiếu nại nào.", "No appeal yet."],
  appeals_open: ["{n} khiếu nại; {open} chỉ số chờ trả lời.", "{n} appeals; {open} leaves awaiting an answer."],
  decision: ["Kết quả xử lý", "Decision"],
  decisions: [{ upheld: "Chấp nhận", rejected: "Không chấp nhận" }, { upheld: "Upheld", rejected: "Rejected" }],
  decision_waiting: ["Chờ trả lời", "Awaiting an answer"],
  new_value: ["Điểm mới", "New value"],
  appeal_answers_h: ["Khiếu nại của cơ quan", "The agency's appeals"],
  appeal_decision_of: ["Kết quả xử lý chỉ số {code}", "Decision on leaf {code}"],
  appeal_value_of: ["Điểm mới của chỉ số {code}", "New value of leaf {code}"],
  appeal_answer_of: ["Trả lời về chỉ số {code}", "Answer on leaf {code}"],
  appeal_answer_save: ["Gửi trả lời", "Send the answer"],
  appeal_answered: ["Đã trả lời khiếu nại chỉ số {code}.", "Appeal on leaf {code} answered."],
  appeal_open_answer: ["Trả lời trong bàn thẩm định", "Answer in the workbench"],
  appeal_next_h: ["Công bố phiên bản tiếp theo", "Publish the next version"],
  appeal_next_wait: ["Còn {n} chỉ số chờ trả lời: chưa thể công bố phiên bản mới.", "{n} leaves still await an answer: the next version cannot be published yet."],
  appeal_next_ready: ["Mọi khiếu nại đã được trả lời. Tính lại điểm và công bố phiên bản {v}.", "Every appeal is answered. Compute again and publish version {v}."],
  appeal_next_go: ["Tính lại và công bố phiên bản {v}", "Compute and publish version {v}"],
  appeal_next_reason: ["Lý do công bố phiên bản mới", "Reason for the new version"],
  appeal_changes: ["Xem thay đổi giữa các phiên bản trên trang công khai", "See the changes between versions on the public page"],
};

let lang = localStorage.getItem("chiso_lang") === "en" ? "en" : "vi";
let timeZone = "Asia/Ho_Chi_Minh";

export const getLang = () => lang;
export function setLang(l) {
  lang = l === "en" ? "en" : "vi";
  localStorage.setItem("chiso_lang", lang);
  document.documentElement.lang = lang;
}
export const getTimeZone = () => timeZone;
export function setTimeZone(tz) { timeZone = tz || "Asia/Ho_Chi_Minh"; }

/* t("saved", {n: 3}) -> "Đã lưu 3 chỉ số." */
export function t(key, vars) {
  const e = T[key];
  let s = e ? (e[lang === "en" ? 1 : 0] ?? e[0]) : key;
  if (vars) for (const k of Object.keys(vars)) s = s.split("{" + k + "}").join(String(vars[k]));
  return s;
}

/* A named value of a table key: tmap("phases", "survey"). */
export function tmap(key, code) {
  const e = T[key];
  const m = e && e[lang === "en" ? 1 : 0];
  return (m && m[code]) || code || "";
}

export const locale = () => (lang === "vi" ? "vi-VN" : "en-GB");

/* Points: always two decimals, in the language's notation. */
export function pts(v) {
  if (v === undefined || v === null) return "—";
  return Number(v).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/* A value as typed in an input: no forced decimals, the language's decimal mark. */
export function numIn(v) {
  if (v === undefined || v === null) return "";
  return Number(v).toLocaleString(locale(), { maximumFractionDigits: 2, useGrouping: false });
}

/* "12,5" or "12.5" -> 12.5; "" -> null; anything else -> NaN. The server checks the range. */
export function parseNum(s) {
  s = String(s).trim().replace(/\s+/g, "").replace(",", ".");
  if (s === "") return null;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return NaN;
  return Number(s);
}

/* A unix time as the province's wall-clock time. */
export function when(unix) {
  if (!unix) return "—";
  return new Date(unix * 1000).toLocaleString(locale(), {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
}

/* Offset in seconds of the province's zone at a unix time (positive east of UTC). */
function tzOffset(unix) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(unix * 1000)))
    parts[p.type] = p.value;
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) / 1000;
  return asUtc - unix;
}

/* unix -> "YYYY-MM-DDTHH:MM" of a datetime-local input, in the province's zone. */
export function toLocalInput(unix) {
  if (!unix) return "";
  const d = new Date((unix + tzOffset(unix)) * 1000);
  return d.toISOString().slice(0, 16);
}

/* "YYYY-MM-DDTHH:MM" in the province's zone -> unix; NaN when not a time. */
export function fromLocalInput(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(s || "");
  if (!m) return NaN;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) / 1000;
  let u = wall - tzOffset(wall);
  u = wall - tzOffset(u);   // second pass settles a change of offset near the time
  return u;
}

/* "YYYY-MM-DD" of a unix time in the province's zone (for date filters). */
export function dayOf(unix) {
  return toLocalInput(unix).slice(0, 10);
}
